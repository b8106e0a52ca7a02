"""Totals reconcile exactly, the way the EN 16931 rules check them (BR-CO-10 to BR-CO-17),
with discounts and charges on the whole document (BG-20, BG-21) applied per VAT group."""

from collections import defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patron.billing.models import Adjustment
from patron.billing.rules.totals import (
    cents,
    compute,
    euro_groups,
    in_euros,
    line_amounts,
    too_large,
)
from patron.billing.rules.vat import EXEMPT, REVERSE, STANDARD, ZERO, Treatment

relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

quantities = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000"), places=2)
prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=4)
discounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)
rates = st.sampled_from([Decimal(r) for r in ("21", "12", "6", "20", "10", "5.5", "2.1")])
line = st.tuples(quantities, prices, discounts, rates, st.sampled_from([STANDARD, ZERO]))


@relaxed
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


def adjustment(code, *, percent=None, amount=None, rate=None, treatment=Treatment.NORMAL):
    """An unsaved Adjustment with its category, as the draft's treatment gives it."""
    made = Adjustment(
        reason_code=code,
        reason=code,
        percent=None if percent is None else Decimal(percent),
        amount=None if amount is None else Decimal(amount),
        vat_rate=None if rate is None else Decimal(rate),
    )
    return made.refresh_amounts(treatment)


TWO_RATES = [(STANDARD, Decimal(21), Decimal("2400.00")), (STANDARD, Decimal(6), Decimal("270.00"))]


def test_ten_percent_off_every_rate_a_fixed_discount_and_a_travel_fee_worked_by_hand():
    totals = compute(
        TWO_RATES,
        adjustments=[
            adjustment("95", percent="10"),  # 240.00 at 21 %, 27.00 at 6 %
            adjustment("100", amount="20", rate="6"),
            adjustment("ABK", amount="45", rate="21"),
        ],
    )
    # 21 %: 2,400.00 − 240.00 + 45.00 = 2,205.00, VAT 463.05.
    # 6 %: 270.00 − 27.00 − 20.00 = 223.00, VAT 13.38.
    assert [(g.rate, g.taxable, g.vat) for g in totals.groups] == [
        (21, Decimal("2205.00"), Decimal("463.05")),
        (6, Decimal("223.00"), Decimal("13.38")),
    ]
    assert [(a.rate, a.base, a.amount, a.is_charge) for a in totals.applied] == [
        (21, Decimal("2400.00"), Decimal("240.00"), False),
        (6, Decimal("270.00"), Decimal("27.00"), False),
        (6, None, Decimal("20.00"), False),
        (21, None, Decimal("45.00"), True),
    ]
    assert totals.lines == Decimal("2670.00")
    assert totals.allowances == Decimal("287.00") and totals.charges == Decimal("45.00")
    assert totals.excl_vat == Decimal("2428.00")  # 2,670 − 287 + 45
    assert totals.vat == Decimal("476.43") and totals.incl_vat == Decimal("2904.43")


def test_a_percentage_at_one_rate_is_of_the_lines_at_that_rate_only():
    totals = compute(TWO_RATES, adjustments=[adjustment("95", percent="12.5", rate="6")])
    # 12.5 % of 270.00 = 33.75; the 21 % lines keep their 2,400.00.
    assert totals.applied[0].base == Decimal("270.00")
    assert totals.applied[0].amount == Decimal("33.75")
    assert {g.rate: g.taxable for g in totals.groups} == {
        21: Decimal("2400.00"),
        6: Decimal("236.25"),
    }


def test_a_charge_at_a_rate_without_lines_makes_a_vat_group_of_its_own():
    totals = compute(TWO_RATES[:1], adjustments=[adjustment("ABK", amount="100", rate="6")])
    assert {g.rate: (g.taxable, g.vat) for g in totals.groups} == {
        21: (Decimal("2400.00"), Decimal("504.00")),
        6: (Decimal("100.00"), Decimal("6.00")),
    }
    assert totals.excl_vat == Decimal("2500.00") and totals.vat == Decimal("510.00")


def test_a_discount_rounds_half_up_on_its_group():
    # 7.5 % of 33.30 = 2.4975, which rounds to 2.50.
    totals = compute(
        [(STANDARD, Decimal(21), Decimal("33.30"))], adjustments=[adjustment("95", percent="7.5")]
    )
    assert totals.applied[0].amount == Decimal("2.50")
    assert totals.excl_vat == Decimal("30.80") and totals.vat == Decimal("6.47")  # 6.468


def test_without_vat_a_discount_takes_the_category_of_the_treatment_at_rate_zero():
    lines = [(REVERSE, Decimal(0), Decimal("1800.00"))]
    treatment = Treatment.REVERSE_CHARGE
    totals = compute(
        lines,
        adjustments=[
            adjustment("95", percent="3", treatment=treatment),
            adjustment("AEM", amount="75", rate="21", treatment=treatment),
        ],
    )
    assert [(a.category, a.rate, a.amount) for a in totals.applied] == [
        (REVERSE, 0, Decimal("54.00")),
        (REVERSE, 0, Decimal("75.00")),
    ]
    assert totals.groups[0].taxable == Decimal("1821.00") and totals.vat == 0


def test_the_vat_in_euros_is_converted_group_by_group_at_the_ecb_quote():
    totals = compute(TWO_RATES)  # in dollars: 504.00 and 16.20 of VAT
    euros = euro_groups(totals, Decimal("1.0850"))
    # 504 / 1.085 = 464.516… → 464.52; 16.20 / 1.085 = 14.930… → 14.93.
    assert [(g.rate, g.vat) for g in euros] == [(21, Decimal("464.52")), (6, Decimal("14.93"))]
    assert in_euros(Decimal("210.00"), Decimal("1.0850")) == Decimal("193.55")


def test_totals_past_what_a_column_holds_are_said_too_large():
    assert not too_large(compute([(STANDARD, Decimal(21), Decimal("826446280991.73"))]))
    # 826,446,280,991.74 + 21 % = 1,000,000,000,000.01: one cent too much.
    assert too_large(compute([(STANDARD, Decimal(21), Decimal("826446280991.74"))]))


adjustments = st.one_of(
    st.builds(
        lambda percent, rate: adjustment("95", percent=percent, rate=rate),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2),
        st.one_of(st.none(), rates),
    ),
    st.builds(
        lambda code, amount, rate: adjustment(code, amount=amount, rate=rate),
        st.sampled_from(["100", "ABK", "AEM"]),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2),
        rates,
    ),
)


@relaxed
@given(st.lists(line, min_size=1, max_size=15), st.lists(adjustments, max_size=6))
def test_totals_with_discounts_and_charges_reconcile_as_the_validator_checks(lines, asked):
    triples = [
        (STANDARD, rate, line_amounts(quantity, price, discount).net)
        for quantity, price, discount, rate, _category in lines
    ]
    totals = compute(triples, adjustments=asked)
    allowances = [a for a in totals.applied if not a.is_charge]
    charges = [a for a in totals.applied if a.is_charge]
    assert totals.allowances == sum(a.amount for a in allowances)  # BR-CO-11
    assert totals.charges == sum(a.amount for a in charges)  # BR-CO-12
    assert totals.excl_vat == totals.lines - totals.allowances + totals.charges  # BR-CO-13
    assert totals.excl_vat == sum(g.taxable for g in totals.groups)
    expected = defaultdict(Decimal)
    for category, rate, net in triples:
        expected[(category, rate)] += net
    for piece in totals.applied:
        expected[(piece.category, piece.rate)] += piece.signed
        if piece.percent is not None:  # PEPPOL-EN16931-R040, within its 0.02
            assert abs(piece.amount - piece.base * piece.percent / 100) <= Decimal("0.005")
    for group in totals.groups:  # BR-S-08 and BR-CO-17, group by group
        assert group.taxable == expected[(group.category, group.rate)]
        assert group.vat == cents(group.taxable * group.rate / 100)
    assert totals.vat == sum(g.vat for g in totals.groups)  # BR-CO-14
    assert totals.incl_vat == totals.excl_vat + totals.vat  # BR-CO-15
