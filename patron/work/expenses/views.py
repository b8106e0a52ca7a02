"""Expenses: the form and its checks, saving with the audit trail, the list's
filters and totals, and the pages (list, CSV export, add, import a supplier's e-invoice,
edit, delete, receipt)."""

import calendar
from datetime import date
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patron.accounts.access import owner_required
from patron.audit.log import changes_between, record, snapshot
from patron.contacts.network import CONTACTS, clients
from patron.money import cents, check_currency
from patron.system import filters
from patron.system.exporting import csv_response
from patron.system.fragments import page_or_fragment
from patron.system.importing import ImportRefused
from patron.system.picker import PickerField, filter_picker
from patron.work.expenses.receipts import check_receipt, receipt_content_type
from patron.work.expenses.supplier_invoices import do_import_supplier_invoice
from patron.work.models import Expense, ExpenseVat, Project
from patron.work.projects import PROJECTS

MAX_VAT_RATE = Decimal(100)
# Offered in the form; any other rate from 0 to 100 may be typed.
VAT_RATE_SUGGESTIONS = {
    "BE": ["21", "12", "6", "0"],
    "FR": ["20", "10", "5.5", "2.1", "0"],
}
EXPENSE_FIELDS = [
    "on", "supplier", "description", "category", "amount_excl_vat", "vat_rate",
    "vat_amount", "currency", "receipt", "billable", "client", "project",
]  # fmt: skip
# What a supplier's e-invoice says, kept as it says it: the XML (the receipt) is the proof.
EINVOICE_FIELDS = [
    "on", "supplier", "amount_excl_vat", "vat_rate", "vat_amount", "currency", "receipt",
]  # fmt: skip
PER_PAGE = 50
MAX_CATEGORY_SUGGESTIONS = 200


def vat_for(amount, rate):
    """VAT on an amount excluding VAT at rate %, rounded half-up to the cent."""
    return cents(amount * rate / 100)


class ExpenseForm(forms.ModelForm):
    receipt = forms.FileField(
        label=gettext_lazy("Receipt"),
        required=False,
        help_text=gettext_lazy("PDF, PNG or JPEG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
    vat_amount = forms.DecimalField(
        label=gettext_lazy("VAT amount"),
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text=gettext_lazy("Leave empty to compute it from the rate."),
    )

    class Meta:
        model = Expense
        fields = EXPENSE_FIELDS
        widgets = {
            "on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "category": forms.TextInput(
                attrs={"list": "expense-categories", "autocomplete": "off"}
            ),
            "vat_rate": forms.TextInput(attrs={"list": "vat-rates", "inputmode": "decimal"}),
            "amount_excl_vat": forms.TextInput(attrs={"inputmode": "decimal"}),
            "currency": forms.TextInput(
                attrs={"maxlength": 3, "autocomplete": "off", "spellcheck": "false"}
            ),
        }

    def __init__(self, *args, business=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"] = PickerField(
            clients(self.instance.client_id), source=CONTACTS, scope="clients",
            label=_("Client"), required=False,
        )  # fmt: skip
        self.fields["project"] = PickerField(
            Project.objects.all(), source=PROJECTS, scope="all", label=_("Project"),
            required=False,
        )  # fmt: skip
        self.fields["vat_rate"].help_text = _("In %, from 0 to 100.")
        self.fields["vat_amount"].widget.attrs["inputmode"] = "decimal"
        if self.instance.einvoice_format:
            for name in EINVOICE_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = ""
        if not self.is_bound:
            expense = self.instance
            if expense.pk is None:
                # The model's 0 defaults would pass for typed values: start empty.
                self.initial.update(vat_rate=None, vat_amount=None)
                if business:
                    self.initial["currency"] = business.currency
            elif expense.einvoice_format:
                pass  # the invoice's own amounts, shown as they are
            elif expense.vat_amount == vat_for(expense.amount_excl_vat, expense.vat_rate):
                # Computed, not typed: leave it empty so a new amount or rate recomputes it.
                self.initial["vat_amount"] = None

    def clean_supplier(self):
        supplier = self.cleaned_data["supplier"].strip()
        if not supplier:
            raise forms.ValidationError(_("Say who was paid."))
        return supplier

    def clean_category(self):
        return self.cleaned_data["category"].strip()

    def clean_amount_excl_vat(self):
        amount = self.cleaned_data["amount_excl_vat"]
        if self.fields["amount_excl_vat"].disabled:
            return amount  # a supplier's credit note is booked negative
        if amount is not None and amount < 0:
            raise forms.ValidationError(
                _("An expense cannot be negative; record a refund as a note on the expense.")
            )
        return amount

    def clean_vat_rate(self):
        rate = self.cleaned_data["vat_rate"]
        if rate is not None and not (0 <= rate <= MAX_VAT_RATE):
            raise forms.ValidationError(
                _("A VAT rate is between 0 and 100 %%; %(rate)s %% is not one."),
                params={"rate": rate},
            )
        return rate

    def clean_vat_amount(self):
        vat = self.cleaned_data["vat_amount"]
        if self.fields["vat_amount"].disabled:
            return vat
        if vat is not None and vat < 0:
            raise forms.ValidationError(_("The VAT amount cannot be negative."))
        return vat

    def clean_currency(self):
        return check_currency(self.cleaned_data["currency"])

    def clean_receipt(self):
        receipt = self.cleaned_data.get("receipt")
        if self.fields["receipt"].disabled:
            return self.instance.receipt
        if receipt is False or receipt is None:  # cleared, or nothing new uploaded
            return receipt
        if receipt == self.instance.receipt:
            return receipt
        return check_receipt(receipt)

    def clean(self):
        cleaned = super().clean()
        amount, rate = cleaned.get("amount_excl_vat"), cleaned.get("vat_rate")
        vat = cleaned.get("vat_amount")
        if self.instance.einvoice_format:
            pass  # the amounts are the e-invoice's, several rates perhaps
        elif amount is not None and rate is not None:
            if vat is None:
                cleaned["vat_amount"] = vat_for(amount, rate)
            elif vat > amount and amount > 0:
                self.add_error(
                    "vat_amount", _("The VAT amount cannot be more than the amount excluding VAT.")
                )
        client, project = cleaned.get("client"), cleaned.get("project")
        if project and project.client_id:
            if client and client.pk != project.client_id:
                self.add_error(
                    "client",
                    _("The project “%(project)s” belongs to another client.")
                    % {"project": project.name},
                )
            elif not client:
                cleaned["client"] = project.client
        if cleaned.get("billable") and not (cleaned.get("client") or project):
            self.add_error("client", _("Say which client or project to bill this expense to."))
        return cleaned


def do_save_expense(user, form, *, actor=""):
    """Save a valid ExpenseForm and log what changed; a replaced receipt's file goes after commit."""
    created = form.instance.pk is None
    before = {} if created else snapshot(Expense.objects.get(pk=form.instance.pk), EXPENSE_FIELDS)
    with transaction.atomic():
        expense = form.save()
        after = snapshot(expense, EXPENSE_FIELDS)
        record(
            user,
            "create" if created else "update",
            expense,
            changes_between(before, after),
            actor=actor,
        )
    old = before.get("receipt")
    if old and old != after.get("receipt"):
        storage = Expense._meta.get_field("receipt").storage
        transaction.on_commit(lambda: storage.delete(old))
    return expense


def do_delete_expense(user, expense, *, actor=""):
    receipt = expense.receipt.name
    with transaction.atomic():
        record(user, "delete", expense, actor=actor)
        expense.delete()
    if receipt:
        storage = Expense._meta.get_field("receipt").storage
        transaction.on_commit(lambda: storage.delete(receipt))


class ExpenseFilter(forms.Form):
    """The list's filters, from the query string; a bad value is ignored with a message."""

    BILLABLE_CHOICES = [
        ("", gettext_lazy("Billable or not")),
        ("yes", gettext_lazy("Billable")),
        ("no", gettext_lazy("Not billable")),
    ]

    month = forms.CharField(
        label=gettext_lazy("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    category = forms.CharField(
        label=gettext_lazy("Category"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"list": "expense-categories", "autocomplete": "off"}),
    )
    billable = forms.ChoiceField(
        label=gettext_lazy("Billable"), required=False, choices=BILLABLE_CHOICES
    )
    project = PickerField(
        Project.objects.all(),
        source=PROJECTS,
        scope="all",
        label=gettext_lazy("Project"),
        required=False,
        submits_text=False,
        attrs={"placeholder": gettext_lazy("All projects")},
    )

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-"))
            first = date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(_("Type a month as YYYY-MM.")) from None
        return first, first.replace(day=calendar.monthrange(year, month)[1])

    def filter(self, expenses):
        """The expenses matching the valid filters (an invalid one is left out)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        if data.get("month"):
            first, last = data["month"]
            expenses = expenses.filter(on__range=(first, last))
        if data.get("date_from"):
            expenses = expenses.filter(on__gte=data["date_from"])
        if data.get("date_to"):
            expenses = expenses.filter(on__lte=data["date_to"])
        if data.get("category"):
            expenses = expenses.filter(category__iexact=data["category"].strip())
        if data.get("billable") in ("yes", "no"):
            expenses = expenses.filter(billable=data["billable"] == "yes")
        if data.get("project"):
            expenses = expenses.filter(project=data["project"])
        return expenses


def filtered_expenses(params):
    """(filter form, matching expenses) for a query string."""
    form = ExpenseFilter(params)
    form.is_valid()
    return form, form.filter(Expense.objects.all())


def totals_by_currency(expenses):
    """One row per currency, summed in SQL: amounts in different currencies never add up."""
    rows = (
        expenses.order_by()
        .values("currency")
        .annotate(excl=Sum("amount_excl_vat"), vat=Sum("vat_amount"))
        .order_by("currency")
    )
    return [{**row, "incl": row["excl"] + row["vat"]} for row in rows]


def category_suggestions():
    return list(
        Expense.objects.exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()[:MAX_CATEGORY_SUGGESTIONS]
    )


def vat_rate_suggestions(business):
    """The business's country's rates first, then the other country's."""
    first = business.country if business and business.country in VAT_RATE_SUGGESTIONS else "BE"
    rates = list(VAT_RATE_SUGGESTIONS[first])
    for country, others in VAT_RATE_SUGGESTIONS.items():
        if country != first:
            rates += [rate for rate in others if rate not in rates]
    return rates


# Pages


@owner_required
def expense_list(request):
    form, expenses = filtered_expenses(request.GET)
    if request.GET.get("format") == "csv":
        return export_csv(expenses)
    page = Paginator(expenses.select_related("client", "project"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    # Several VAT rates (a supplier's e-invoice) are said so rather than shown as one: counted
    # for the page's expenses alone, in one query.
    rates = dict(
        ExpenseVat.objects.filter(expense__in=[e.pk for e in page.object_list])
        .values_list("expense")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for expense in page.object_list:
        expense.rates = rates.get(expense.pk, 0)
    context = {
        "filters": form,
        "page": page,
        "totals": totals_by_currency(expenses),
        "categories": category_suggestions(),
        "filtered": any(form.data.get(name) for name in form.fields),
        "filter_fields": filter_fields(form),
        "filter_errors": [
            filters.plain(f"{form[name].label}: {' '.join(errors)}")
            for name, errors in form.errors.items()
        ],
    }
    return page_or_fragment(request, "work/expense_list.html", "results", context, push_query=True)


def filter_fields(form):
    """The list's filters as drawn: each shows what was typed, understood or not (the message
    above the results says which were left out)."""
    typed = form.data
    chosen = form.cleaned_data.get("project") if "project" not in form.errors else None
    project = filter_picker(
        "project", PROJECTS, "all", chosen, id="f-project", placeholder=_("All projects")
    )
    return [
        filters.month("month", form["month"].label, typed.get("month")),
        filters.date("date_from", form["date_from"].label, typed.get("date_from")),
        filters.date("date_to", form["date_to"].label, typed.get("date_to")),
        filters.text(
            "category", form["category"].label, filters.typed(typed, "category"),
            suggestions="expense-categories",
        ),
        filters.select(
            "billable", form["billable"].label, filters.one_of(typed, "billable", ("yes", "no")),
            ExpenseFilter.BILLABLE_CHOICES[1:], blank=ExpenseFilter.BILLABLE_CHOICES[0][1],
        ),
        filters.picker("project", form["project"].label, project),
    ]  # fmt: skip


def expense_table(expenses):
    """The header and rows of expenses as a table: the page's CSV and the accountant's
    archive (patron/billing/books.py) share it."""
    header = [
        _("Date"), _("Supplier"), _("Description"), _("Category"), _("Amount excl. VAT"),
        _("VAT rate (%)"), _("VAT amount"), _("Amount incl. VAT"), _("Currency"),
        _("Billable"), _("Client"), _("Project"), _("Receipt"), _("Supplier's invoice number"),
    ]  # fmt: skip
    rows = (
        (
            e.on.isoformat(),
            e.supplier,
            e.description,
            e.category,
            e.amount_excl_vat,
            e.vat_rate,
            e.vat_amount,
            e.amount_excl_vat + e.vat_amount,
            e.currency,
            _("yes") if e.billable else _("no"),
            e.client.display_name if e.client else "",
            e.project.name if e.project else "",
            _("yes") if e.receipt else _("no"),
            e.number,
        )  # fmt: skip
        for e in expenses.select_related("client", "project").iterator(chunk_size=2000)
    )
    return header, rows


def export_csv(expenses):
    return csv_response("expenses.csv", *expense_table(expenses))


def form_page(request, expense, template):
    posted = request.method == "POST"
    form = ExpenseForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        instance=expense,
        business=request.business,
    )
    if posted and form.is_valid():
        saved = do_save_expense(request.user, form)
        messages.success(
            request,
            _("The expense from “%(supplier)s” has been saved.") % {"supplier": saved.supplier},
        )
        return redirect("work:expenses")
    return render(
        request,
        template,
        {
            "form": form,
            "expense": expense,
            "categories": category_suggestions(),
            "vat_rates": vat_rate_suggestions(request.business),
        },
    )


@owner_required
def expense_add(request):
    return form_page(request, Expense(), "work/expense_form.html")


@owner_required
def expense_edit(request, pk):
    expense = get_object_or_404(
        Expense.objects.select_related("supplier_contact").prefetch_related("lines", "vat_groups"),
        pk=pk,
    )
    return form_page(request, expense, "work/expense_form.html")


class EInvoiceUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The supplier's e-invoice"),
        help_text=gettext_lazy("Factur-X or ZUGFeRD PDF, CII XML or UBL XML (Peppol)."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.xml,application/pdf,application/xml,text/xml"}
        ),
    )


@owner_required
def expense_import(request):
    """Drop a supplier's e-invoice: the expense it makes, or the reason it is refused."""
    posted = request.method == "POST"
    form = EInvoiceUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            booked = do_import_supplier_invoice(
                upload.read(settings.MAX_IMPORT_BYTES + 1), user=request.user
            )
        except ImportRefused as e:
            form.add_error("file", _("Nothing was booked. %(reason)s") % {"reason": e})
        else:
            expense = booked.expense
            params = {"number": expense.number, "supplier": expense.supplier}
            if booked.created:
                messages.success(
                    request,
                    _("Invoice %(number)s from “%(supplier)s” is booked as this expense.") % params,
                )
                for warning in booked.warnings:
                    messages.warning(request, warning)
            else:
                messages.info(
                    request,
                    _("Invoice %(number)s from “%(supplier)s” was already booked: here it is; "
                      "nothing was added.") % params,
                )  # fmt: skip
            return redirect("work:expense_edit", pk=expense.pk)
    return render(request, "work/expense_import.html", {"form": form})


@owner_required
def expense_delete(request, pk):
    expense = get_object_or_404(Expense, pk=pk)
    if request.method == "POST":
        do_delete_expense(request.user, expense)
        messages.success(
            request,
            _("The expense from “%(supplier)s” has been deleted.") % {"supplier": expense.supplier},
        )
        return redirect("work:expenses")
    return render(request, "work/expense_delete.html", {"expense": expense})


def receipt_response(expense):
    """The receipt as a download that no browser will render as a page."""
    if not expense.receipt:
        raise Http404
    content_type = receipt_content_type(expense.receipt.name)
    if content_type is None:
        raise Http404
    ext = expense.receipt.name.rsplit(".", 1)[-1]
    try:
        handle = expense.receipt.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"receipt-{expense.on:%Y-%m-%d}-{expense.pk}.{ext}",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@owner_required
def expense_receipt(request, pk):
    return receipt_response(get_object_or_404(Expense, pk=pk))
