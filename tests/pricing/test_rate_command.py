"""`patron rate`, run as the user runs it."""

import json

import pytest
from django.core.management import CommandError, call_command

from patron.pricing.scenarios import do_save_scenario

SANITY = [
    "--net-monthly", "3000", "--costs-yearly", "0", "--regime", "custom",
    "--contributions", "0", "--tax", "0", "--days-per-week", "5", "--hours-per-day", "8",
    "--weeks-off", "0", "--sick-days", "0", "--public-holidays", "0",
    "--training-days", "0", "--billable", "1",
]  # fmt: skip


def test_sanity_case_on_the_real_command_line(patron):
    result = patron("rate", *SANITY, "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    # 36,000 / 2,080 h = 17.3077 → 17.31.
    assert out["hourly_rate"] == "17.31"
    assert out["yearly_turnover"] == "36000.00"
    assert out["breakdown"]["net"] == "36000.00"
    text = patron("rate", *SANITY)
    assert "Minimum hourly rate: 17.31 EUR" in text.stdout
    bad = patron("rate", "--billable", "0")
    assert bad.returncode != 0
    assert "--billable" in bad.stderr and "Traceback" not in bad.stderr


def test_flags_left_out_come_from_the_target(db, capsys):
    do_save_scenario(
        name="Goal", inputs={"net_monthly": "4000", "regime": "fr-micro-bnc"}, make_target=True
    )
    call_command("rate", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["regime"] == "fr-micro-bnc"
    assert out["inputs"]["net_monthly"] == "4000"
    call_command("rate", "--net-monthly", "5000", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["inputs"]["net_monthly"] == "5000" and out["regime"] == "fr-micro-bnc"


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--billable", "1.5"], "--billable"),
        (["--billable", "-0.2"], "--billable"),
        (["--days-per-week", "0"], "--days-per-week"),
        (["--net-monthly", "1000000000000"], "--net-monthly"),
        (["--net-monthly", "<script>"], "--net-monthly"),
        (["--costs-yearly", "nan"], "--costs-yearly"),
        (["--costs-yearly", "-5"], "--costs-yearly"),
        (["--weeks-off", "52"], "inputs"),
        (["--contributions", "70", "--tax", "40"], "--tax"),
        (["--hours-per-day", ""], "--hours-per-day"),
    ],
)
def test_hostile_flags_get_a_clear_message(db, args, flag):
    with pytest.raises(CommandError) as caught:
        call_command("rate", *args)
    assert flag in str(caught.value)
