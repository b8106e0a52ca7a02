"""The sample bank statements of tests/data/statements/, the invoices they pay, and `load`
(a statement imported as the page and the command import it)."""

from pathlib import Path

from django.db import connection

from patron.billing.documents import frozen
from patron.billing.models import Document
from patron.billing.statements.reading import StatementImporter

DATA = Path(__file__).parent.parent / "data" / "statements"
CAMT = (DATA / "camt053.xml").read_bytes()
BNP = (DATA / "bnp.csv").read_bytes()

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>
<Acct><Id><IBAN>BE68539007547034</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-03-10</Dt></BookgDt>
<NtryDtls><TxDtls><RmtInf><Ustrd>&xxe;</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>"""


def numbered(invoice, number):
    """The invoice as the sample files know it: the year 2026's, whatever today's year is."""
    digits = f"26{number:08d}"
    digits += f"{int(digits) % 97 or 97:02d}"
    reference = f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"
    with frozen.suspended(connection):
        Document.objects.filter(pk=invoice.pk).update(
            number=f"F-2026-{number:04d}", structured_reference=reference
        )
    return Document.objects.get(pk=invoice.pk)


def load(data, mapping=None, name="statement.xml", user=None):
    importer = StatementImporter(mapping=mapping, file_name=name)
    plan = importer.plan(data)
    assert plan.ok, plan.errors
    return importer.apply(plan, user=user), importer.statement
