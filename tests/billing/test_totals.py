"""Totals reconcile exactly, the way the EN 16931 rules check them (BR-CO-10 to BR-CO-17)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from patron.billing.totals import cents, compute, line_amounts
from patron.billing.vat import EXEMPT, STANDARD, ZERO

quantities = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000"), places=2)
prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=4)
discounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)
rates = st.sampled_from([Decimal(r) for r in ("21", "12", "6", "20", "10", "5.5", "2.1")])
line = st.tuples(quantities, prices, discounts, rates, st.sampled_from([STANDARD, ZERO]))


@given(st.lists(line, min_size=1, max_size=30), st.decimals(min_value=0, max_value=1000, places=2))
def test_totals_reconcile_exactly(lines, prepaid):
    triples = []
    for quantity, price, discount, rate, category in lines:
        amounts = line_amounts(quantity, price, discount)
        assert amounts.net == amounts.gross - amounts.allowance
        assert amounts.net >= 0 and amounts.net == cents(amounts.net)
        # PEPPOL-EN16931-R120: net = quantity × price − allowance, within 0.02.
        assert abs(amounts.net - (quantity * price - amounts.allowance)) <= Decimal("0.02")
        triples.append((category, rate if category == STANDARD else Decimal(0), amounts.net))
    totals = compute(triples, prepaid)
    assert totals.lines == sum(net for _, _, net in triples)  # BR-CO-10
    assert totals.excl_vat == totals.lines  # BR-CO-13, no document allowances
    for group in totals.groups:  # BR-CO-17: VAT once per (category, rate) group
        assert group.vat == (
            cents(group.taxable * group.rate / 100) if group.category == STANDARD else 0
        )
    assert totals.vat == sum(group.vat for group in totals.groups)  # BR-CO-14
    assert totals.incl_vat == totals.excl_vat + totals.vat  # BR-CO-15
    assert totals.due == totals.incl_vat - totals.prepaid  # BR-CO-16
    assert len({(g.category, g.rate) for g in totals.groups}) == len(totals.groups)


def test_vat_is_computed_on_the_group_not_summed_from_lines():
    # Three lines of 0.05 at 21 %: 0.01 each if rounded per line (0.03), 0.03 on the sum 0.15.
    lines = [(STANDARD, Decimal(21), line_amounts(Decimal(1), Decimal("0.05")).net)] * 3
    assert compute(lines).vat == Decimal("0.03")
    # Seven lines of 0.07 at 21 %: per line 0.01 × 7 = 0.07; on the sum 0.49 × 21 % = 0.10.
    lines = [(STANDARD, Decimal(21), Decimal("0.07"))] * 7
    assert compute(lines).vat == Decimal("0.10")


def test_a_discount_is_rounded_half_up_on_the_line():
    amounts = line_amounts(Decimal("3"), Decimal("33.335"), Decimal("10"))
    assert amounts.gross == Decimal("100.01")  # 100.005 rounds up
    assert amounts.allowance == Decimal("10.00")
    assert amounts.net == Decimal("90.01")


def test_exempt_lines_carry_no_vat():
    totals = compute([(EXEMPT, Decimal(0), Decimal("1000.00"))])
    assert totals.vat == 0 and totals.incl_vat == Decimal("1000.00")
