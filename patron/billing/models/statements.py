"""Bank statements as imported, their lines, and each bank's CSV layout."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from patron.billing.models.documents import Document
from patron.billing.models.payments import Payment


class BankMapping(models.Model):
    """How one bank lays out its CSV statements: which column holds what, by header name."""

    class Encoding(models.TextChoices):
        AUTO = "auto", _("Detect (UTF-8, else Windows-1252)")
        UTF8 = "utf-8", "UTF-8"
        CP1252 = "cp1252", "Windows-1252"
        LATIN1 = "latin-1", "ISO-8859-1"

    class Delimiter(models.TextChoices):
        SEMICOLON = ";", _("Semicolon (;)")
        COMMA = ",", _("Comma (,)")
        TAB = "\t", _("Tab")

    class DateFormat(models.TextChoices):
        DMY_SLASH = "%d/%m/%Y", "31/12/2026"
        DMY_DASH = "%d-%m-%Y", "31-12-2026"
        DMY_DOT = "%d.%m.%Y", "31.12.2026"
        ISO = "%Y-%m-%d", "2026-12-31"

    name = models.CharField(_("bank"), max_length=60, unique=True)
    delimiter = models.CharField(
        _("separator"), max_length=1, choices=Delimiter.choices, default=Delimiter.SEMICOLON
    )
    encoding = models.CharField(
        _("encoding"), max_length=10, choices=Encoding.choices, default=Encoding.AUTO
    )
    skip_rows = models.PositiveSmallIntegerField(
        _("lines before the header"), default=0, help_text=_("Lines above the column names.")
    )
    decimal_comma = models.BooleanField(
        _("decimal comma"), default=True, help_text=_("1.234,56 rather than 1,234.56.")
    )
    date_column = models.CharField(_("date column"), max_length=100)
    date_format = models.CharField(
        _("date format"), max_length=10, choices=DateFormat.choices, default=DateFormat.DMY_SLASH
    )
    amount_column = models.CharField(
        _("amount column"),
        max_length=100,
        blank=True,
        help_text=_("Credits positive, debits negative. Or fill the two columns below."),
    )
    credit_column = models.CharField(_("credit column"), max_length=100, blank=True)
    debit_column = models.CharField(_("debit column"), max_length=100, blank=True)
    currency_column = models.CharField(
        _("currency column"), max_length=100, blank=True, help_text=_("Euros when left empty.")
    )
    name_column = models.CharField(_("counterparty name column"), max_length=100, blank=True)
    iban_column = models.CharField(_("counterparty IBAN column"), max_length=100, blank=True)
    communication_column = models.CharField(_("communication column"), max_length=100, blank=True)
    reference_column = models.CharField(
        _("bank reference column"),
        max_length=100,
        blank=True,
        help_text=_("The bank's own number for each line: it tells two equal lines apart."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Statement(models.Model):
    """A bank statement file as imported: its lines are kept, its payments confirmed one by one."""

    class Format(models.TextChoices):
        CAMT053 = "camt053", "camt.053"
        CSV = "csv", "CSV"

    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    format = models.CharField(max_length=10, choices=Format.choices)
    mapping = models.ForeignKey(BankMapping, null=True, blank=True, on_delete=models.SET_NULL)
    account_iban = models.CharField(max_length=34, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return self.file_name


class StatementLine(models.Model):
    """One movement of a statement: credits are matched to open invoices, debits only listed."""

    class State(models.TextChoices):
        UNMATCHED = "unmatched", _("Unmatched")
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        IGNORED = "ignored", _("Ignored")

    class Rule(models.TextChoices):
        STRUCTURED = "structured", _("structured communication")
        NUMBER = "number", _("invoice number in the communication")
        AMOUNT = "amount", _("exact amount and client's name")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    row = models.PositiveIntegerField()
    booking_date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    counterparty = models.CharField(_("counterparty"), max_length=200, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    communication = models.CharField(_("communication"), max_length=500, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=140, blank=True)
    fingerprint = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UNMATCHED)
    rule = models.CharField(max_length=10, choices=Rule.choices, blank=True)
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="bank_lines"
    )
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="bank_lines"
    )

    class Meta:
        ordering = ["statement", "row", "id"]
        indexes = [models.Index(fields=["state"])]

    def __str__(self):
        return f"{self.booking_date} {self.amount} {self.currency} {self.counterparty}"

    @property
    def is_credit(self):
        return self.amount > 0
