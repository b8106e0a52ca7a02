"""Eight processes issuing a hundred invoices each: numbers 1..800, no gap, no duplicate,
no "database is locked", on SQLite and on PostgreSQL (whichever the suite runs on)."""

import pytest

pytestmark = pytest.mark.slow  # real subprocesses on fresh installs


PROCESSES, EACH = 8, 100

SET_UP = """
from patron.accounts.owner import do_create_owner
from patron.business.demo import PROFILE
from patron.business.forms import ProfileForm
from patron.business.profile import do_save_business
from patron.contacts.models import Contact
owner = do_create_owner(email="claire@example.com", password="correct horse battery", first_name="C")
form = ProfileForm(PROFILE)
assert form.is_valid(), form.errors
do_save_business(owner, form)
Contact.objects.create(is_organisation=True, name="Acme SA", street="Avenue Louise 1",
                       postcode="1050", city="Ixelles", country="BE")
"""

ISSUE = f"""
from decimal import Decimal
from patron.accounts.models import User
from patron.billing.documents.issuing import do_issue
from patron.billing.models import Document, Line
from patron.contacts.models import Contact
owner, client = User.objects.get(), Contact.objects.get()
for _ in range({EACH}):
    document = Document.objects.create(client=client)
    Line(document=document, description="Work", quantity=Decimal(1), unit_price=Decimal(100),
         vat_rate=Decimal(21)).refresh_amounts(document.treatment).save()
    do_issue(owner, document)
print("issued", {EACH})
"""


@pytest.mark.django_db(transaction=True)
def test_eight_processes_issue_800_invoices_without_gap_or_duplicate(installs):
    install = installs()
    install.python(SET_UP)
    workers = [install.popen(ISSUE) for _ in range(PROCESSES)]
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err
        assert "database is locked" not in err
    numbers = install.python(
        "from patron.billing.models import Document\n"
        "print(sorted(Document.objects.values_list('sequence_number', flat=True)))"
    ).stdout
    assert numbers.strip() == str(list(range(1, PROCESSES * EACH + 1)))
    verified = install.run("verify")  # in French, Patron's first language
    assert verified.returncode == 0 and verified.stdout.startswith("800 issued documents checked")
