"""The business costs of the last twelve months, as recorded in expenses (excl. VAT); an
expense billed on to a client is the client's cost, not the business's, and is left out."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from patron.money import cents
from patron.work.models import Expense


def recorded_costs(today=None):
    """(total excl. VAT in euros, first day counted, last day counted), summed in SQL."""
    today = today or timezone.localdate()
    try:
        start = today.replace(year=today.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 1, day=28) + timedelta(days=1)
    expenses = Expense.objects.filter(on__gte=start, on__lte=today, currency="EUR", billable=False)
    total = expenses.aggregate(total=Sum("amount_excl_vat"))["total"]
    return cents(total or Decimal(0)), start, today
