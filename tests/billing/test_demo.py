"""`patron demo` issues documents for every case that applies, in Belgium and in France."""


def test_the_belgian_demo_issues_every_case_and_verifies(patron):
    result = patron("demo", "--password", "a demo passphrase")
    assert result.returncode == 0, result.stderr
    assert "11 documents issued (F-" in result.stdout and "CN-" in result.stdout
    assert "Q-" in result.stdout
    check = patron(
        "shell",
        "-c",
        "from patron.billing.models import Document\n"
        "from patron.billing.einvoice.facts import facts\n"
        "final = Document.objects.get(quote__isnull=False, is_deposit=False)\n"
        "deposit = Document.objects.get(quote__isnull=False, is_deposit=True)\n"
        "print(final.prepaid > 0, final.amount_due < final.total_incl_vat,\n"
        "      [a.is_charge for a in final.adjustments.all()],\n"
        "      [n for n, _ in facts(final).preceding] == [deposit.number])",
    )
    # Its quote's 5 % off and travel fee are on it, and it refers to the deposit invoice.
    assert check.stdout.strip().splitlines()[-1] == "True True [False, True] True", check.stderr
    reminders = patron("reminders", "list").stdout
    assert reminders.count("\tsent\t") == 3 and "notice" in reminders
    assert "Maintenance mensuelle" in patron("recurring", "list").stdout
    verified = patron("verify")
    assert verified.returncode == 0 and verified.stdout.startswith("11 issued documents checked")


def test_the_french_demo_is_a_micro_entrepreneur_under_the_franchise(patron):
    result = patron("demo", "--country", "fr", "--password", "a demo passphrase")
    assert result.returncode == 0, result.stderr
    assert "4 documents issued" in result.stdout
    check = patron(
        "shell",
        "-c",
        "from patron.billing.models import Document\n"
        "print(sorted({(d.treatment, str(d.total_vat)) for d in Document.objects.exclude(number='')}))",
    )
    assert check.stdout.strip().splitlines()[-1] == "[('franchise', '0.00')]", check.stderr
    assert patron("verify").returncode == 0
