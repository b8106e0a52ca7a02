"""`patron verify`: the numbering has no gap and no issued document changed behind Patron's back.

Each sequence's documents must be numbered 1, 2, 3… up to the sequence's last number; each
document's hash must match its frozen content and chain to the previous document's hash;
the sequence must end on the last document's hash. Anything else is named.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from patron.billing.documents.issuing import document_hash
from patron.billing.models import Document, Sequence


@dataclass
class Finding:
    sequence: str
    number: str
    problem: str

    def __str__(self):
        return f"{self.sequence} {self.number}: {self.problem}".replace("  ", " ")


def verify():
    """Every finding over every sequence; empty when all is well."""
    findings = []
    documents = (
        Document.objects.filter(sequence__isnull=False)
        .select_related("corrects")
        .prefetch_related("lines", "adjustments")
        .order_by("sequence_id", "sequence_number")
    )
    by_sequence = {}
    for document in documents.iterator(chunk_size=500):
        by_sequence.setdefault(document.sequence_id, []).append(document)
    for sequence in Sequence.objects.order_by("kind", "year"):
        label = f"{sequence.get_kind_display()} {sequence.year}"
        previous_hash = ""
        expected = 1
        for document in by_sequence.get(sequence.pk, []):
            if document.sequence_number != expected:
                findings.append(
                    Finding(
                        label,
                        document.number,
                        _("number %(n)s is missing before it") % {"n": expected},
                    )
                )
            expected = document.sequence_number + 1
            if document.previous_hash != previous_hash:
                findings.append(
                    Finding(
                        label, document.number, _("the chain to the previous document is broken")
                    )
                )
            if document_hash(document, list(document.lines.all())) != document.hash:
                findings.append(Finding(label, document.number, _("altered since it was issued")))
            previous_hash = document.hash
        if expected - 1 != sequence.last:
            findings.append(
                Finding(
                    label,
                    "",
                    _("the sequence says %(last)s documents, %(found)s were found")
                    % {"last": sequence.last, "found": expected - 1},
                )
            )
        elif sequence.last_hash != previous_hash:
            findings.append(Finding(label, "", _("the last document's hash is not the sequence's")))
    return findings
