"""A quote's deposit and final invoices: the final invoice deducts what the deposit still
stands for, once, and the two cannot be made in an order that asks the client twice."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from patron.billing.documents.deposits import deduction_of, remainder
from patron.billing.documents.quotes import do_deposit_invoice, do_final_invoice
from patron.billing.rules.totals import VatGroup
from tests.billing import scenarios

D = Decimal
WEBSITE = [("Website", "1", "10000", "21")]


def test_a_fully_credited_deposit_is_not_deducted(owner, business):
    quote = scenarios.accepted_quote(owner, scenarios.acme(), WEBSITE)
    deposit = scenarios.deposit_invoice(owner, quote, date(2026, 3, 3))
    scenarios.credit_note(owner, deposit, date(2026, 3, 10))  # the whole 3,630.00
    final = do_final_invoice(owner, quote)
    # Nothing is left of the deposit: the final invoice asks the whole 12,100.00.
    assert (final.prepaid, final.amount_due) == (D("0.00"), D("12100.00"))
    assert final.notes == ""


def test_no_deposit_after_the_final_invoice_and_no_final_invoice_over_a_draft_deposit(
    owner, business
):
    acme = scenarios.acme()
    quote = scenarios.accepted_quote(owner, acme, WEBSITE)
    do_deposit_invoice(owner, quote)  # a draft
    with pytest.raises(ValidationError, match="is a draft: issue or delete it first"):
        do_final_invoice(owner, quote)
    other = scenarios.accepted_quote(owner, acme, WEBSITE)
    do_final_invoice(owner, other)  # without a deposit: 12,100.00 asked
    with pytest.raises(ValidationError, match="final invoice of this quote exists"):
        do_deposit_invoice(owner, other)


def test_what_a_final_invoice_deducts_group_by_group(owner, business):
    # 1,000.00 at 21 % and 500.00 at 6 %, 30 % deposit: 300.00 + 63.00 and 150.00 + 9.00.
    lines = [("Design", "1", "1000", "21"), ("Brochure", "1", "500", "6")]
    quote = scenarios.accepted_quote(owner, scenarios.acme(), lines)
    deposit = scenarios.deposit_invoice(owner, quote, date(2026, 3, 3))
    assert deposit.total_incl_vat == D("522.00")  # 363.00 + 159.00
    final = scenarios.final_invoice(owner, quote, date(2026, 3, 20))
    deducted = deduction_of(final)
    assert deducted == (
        VatGroup("S", D("6.00"), D("150.00"), D("9.00")),
        VatGroup("S", D("21.00"), D("300.00"), D("63.00")),
    )
    # What the final invoice adds: 700.00 + 147.00 at 21 %, 350.00 + 21.00 at 6 %.
    assert remainder(final, deducted) == [
        ("S", D("6.00"), D("350.00"), D("21.00")),
        ("S", D("21.00"), D("700.00"), D("147.00")),
    ]


def test_a_final_invoice_without_its_deposit_document_deducts_its_share(owner, business):
    # The scenario of the renderings: a deposit not linked to a quote, 1,500.00 + 315.00, and
    # a final invoice of 5,240.00 + 1,100.40 = 6,340.40 deducting 1,815.00.
    _deposit, final = scenarios.deposit_and_final(owner)
    # 1,815.00 / 6,340.40 of each group: 5,240.00 → 1,500.00 and 1,100.40 → 315.00.
    assert deduction_of(final) == (VatGroup("S", D("21.00"), D("1500.00"), D("315.00")),)


def test_a_final_invoice_and_its_deposit_credited_in_full_credit_the_job_once(owner, business):
    from patron.billing.payments.ledger import state_of

    quote = scenarios.accepted_quote(owner, scenarios.acme(), WEBSITE)
    deposit = scenarios.deposit_invoice(owner, quote, date(2026, 3, 3))
    final = scenarios.final_invoice(owner, quote, date(2026, 3, 20))
    scenarios.credit_note(owner, final, date(2026, 3, 25))  # takes back 8,470.00
    assert state_of(final) == "credited"
    # Nothing more may be credited on the final invoice: it asked 8,470.00, all taken back.
    with pytest.raises(ValidationError, match="would credit more than"):
        scenarios.credit_note(owner, final, date(2026, 3, 26), [("More", "1", "1", "21")])
    scenarios.credit_note(owner, deposit, date(2026, 3, 27))  # 3,630.00
    assert state_of(deposit) == "credited"
    # 8,470.00 + 3,630.00 = 12,100.00: the job, once.


def test_a_credit_note_deducts_a_deposit_only_as_its_invoice_did(owner, business):
    from patron.billing.documents.drafting import do_credit_note
    from patron.billing.documents.issuing import problems
    from patron.billing.models import Document

    quote = scenarios.accepted_quote(owner, scenarios.acme(), WEBSITE)
    scenarios.deposit_invoice(owner, quote, date(2026, 3, 3))
    final = scenarios.final_invoice(owner, quote, date(2026, 3, 20))
    note = do_credit_note(owner, final, full=True)
    Document.objects.filter(pk=note.pk).update(prepaid=D("1.00"))  # a draft, changed by hand
    note.refresh_from_db()
    assert any("only as its invoice did (3630.00)" in problem for problem in problems(note))
