"""Charts drawn on the server as SVG: the geometry here, the markup in
templates/dashboard/_bars.html and _progress.html, the colours in dashboard.css (the brand
kit's through its CSS variables; no inline style, which the CSP refuses).

Every number on a chart is written by babel for the page's language; the templates add a
<title>, an aria-label and a table of the same figures for screen readers and for phones.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_compact_currency

from patron.money import active_locale, format_money

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 88, 12, 16, 40  # room for the axis labels


def nice_step(top, ticks=4):
    """A round step (1, 2 or 5 × 10^n) that splits 0..top in about `ticks` parts."""
    if top <= 0:
        return Decimal(1)
    raw = Decimal(top) / ticks
    magnitude = Decimal(10) ** (raw.adjusted())
    for factor in (1, 2, 5, 10):
        if raw <= magnitude * factor:
            return magnitude * factor
    return magnitude * 10


def short_money(amount, currency, locale):
    """An axis label: 2,5 k € or €2.5K past a thousand, whole units below (500 €, €500)."""
    return format_compact_currency(amount, currency, locale=locale, fraction_digits=1)


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # under the bar
    narrow: str  # the same on a phone: a letter (J, F, M…)
    value: str  # the figure, written out
    state: str = ""  # above / near / below the target: the bar's colour

    @property
    def center(self):
        return round(self.x + self.width / 2, 1)


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class BarChart:
    title: str
    bars: list = field(default_factory=list)
    ticks: list = field(default_factory=list)
    target_y: float | None = None
    target_label: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM
    right_edge: int = WIDTH - RIGHT
    axis_x: int = LEFT - 6
    label_y: float = HEIGHT - BOTTOM + 22


def bar_chart(title, points, currency, target=None, locale=None):
    """Vertical bars of (date of the month, amount or None, state), with a money axis and a
    dashed line at `target`; months labelled by babel (“nov.”, “Nov”)."""
    locale = locale or active_locale()
    values = [amount for _day, amount, _state in points if amount is not None]
    top = max([*values, target or 0, Decimal(1)])
    step = nice_step(top)
    top = step * ((Decimal(top) / step).to_integral_value(rounding="ROUND_CEILING") or 1)
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT

    def y_of(amount):
        return round(TOP + plot_height * (1 - float(Decimal(amount) / top)), 1)

    chart = BarChart(title)
    tick = Decimal(0)
    while tick <= top:
        chart.ticks.append(Tick(y_of(tick), short_money(tick, currency, locale)))
        tick += step
    slot = plot_width / max(len(points), 1)
    for index, (day, amount, state) in enumerate(points):
        y = y_of(amount or 0)
        chart.bars.append(
            Bar(
                x=round(LEFT + slot * index + slot * 0.15, 1),
                y=y,
                width=round(slot * 0.7, 1),
                height=round(chart.baseline - y, 1),
                label=format_date(day, "LLL", locale=locale),
                narrow=format_date(day, "LLLLL", locale=locale),
                value=format_money(amount, currency, locale) if amount is not None else "—",
                state=state,
            )  # fmt: skip
        )
    if target:
        chart.target_y = y_of(target)
        chart.target_label = format_money(target, currency, locale)
    return chart


@dataclass
class Progress:
    """One horizontal bar: an amount against its target, the bar capped at the width."""

    label: str
    amount: str
    target: str
    percent: int  # of the target, for the text
    width: float  # of the filled bar, 0..100 (viewBox units)
    state: str


def progress(label, amount, target, currency, state, locale=None):
    locale = locale or active_locale()
    percent = int(amount * 100 / target) if target else 0
    return Progress(
        label=label,
        amount=format_money(amount, currency, locale),
        target=format_money(target, currency, locale) if target else "",
        percent=percent,
        width=round(max(0.0, min(100.0, float(percent))), 1),
        state=state,
    )
