"""Bank statements cut nothing without a word: an account longer than an IBAN is refused, a
line's field longer than its column is a row error, and a communication longer than a
payment's reference stays whole on its line when the line is confirmed."""

import pytest

from patron.billing.models import Payment, Statement
from patron.billing.models import StatementLine as Line
from patron.billing.statements.matching import do_confirm_line
from patron.billing.statements.reading import StatementImporter
from patron.system.importing import ImportRefused
from tests.billing.statement_samples import CAMT


def test_an_account_longer_than_an_iban_is_refused_not_cut(db):
    data = CAMT.replace(b"<IBAN>BE68539007547034</IBAN>", b"<IBAN>" + b"BE68" * 20 + b"</IBAN>", 1)
    with pytest.raises(ImportRefused, match="is longer than an IBAN can be"):
        StatementImporter().plan(data)
    assert not Statement.objects.exists()


def test_a_communication_too_long_for_its_column_is_a_row_error(db):
    data = CAMT.replace(b"Facture F-2026-0002 merci", b"merci " * 100)
    plan = StatementImporter().plan(data)
    assert len(plan.errors) == 1
    assert "the communication is longer than 500 characters." in str(plan.errors[0])


def test_a_long_communication_is_shortened_in_the_payment_and_kept_on_its_line(owner, invoices):
    communication = "Facture F-2026-0002 merci " + "pour le beau travail " * 20  # 446
    data = CAMT.replace(b"Facture F-2026-0002 merci", communication.strip().encode())
    importer = StatementImporter(file_name="march.xml")
    plan = importer.plan(data)
    assert plan.ok, plan.errors
    importer.apply(plan)
    line = Line.objects.get(counterparty="Brouwerij Vos BV")
    assert line.communication == communication.strip()
    do_confirm_line(owner, line, document=invoices[1])
    reference = Payment.objects.get().reference
    assert len(reference) == 140 and reference.endswith("…")
    assert communication.startswith(reference[:-1])
