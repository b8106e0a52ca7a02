"""Exchange rates of documents in another currency than the euro.

The VAT of an invoice in dollars must be stated in euros too, converted at the rate of the
day (VAT Directive art. 230; Belgian AR n°1 art. 5; docs/facts/invoicing-law.md §2.4). The
user types the rate, or asks for the ECB's euro reference rate of the day: it is fetched
then, on that request only, within PATRON_ECB_TIMEOUT seconds, from PATRON_ECB_RATES_URL
(the ECB's eurofxref-daily.xml). Never while rendering: a document carries its rate, its date
and where it came from, and issuing freezes them with the rest.
"""

import http.client
import urllib.request
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patron.audit.log import record
from patron.billing.models import Document
from patron.system.importing import ImportRefused
from patron.system.untrusted_xml import children, local, parse_xml

TYPED, ECB = "typed", "ecb"
MAX_BYTES = 256 * 1024  # the daily file is under 2 kB


class RateUnavailable(ValidationError):
    """The ECB's rate could not be had: the message says why, and to type the rate."""


def parse_ecb(data):
    """(day, {currency: units for one euro}) of the ECB's daily reference rates XML."""
    try:
        root = parse_xml(data)
    except ImportRefused as e:
        raise RateUnavailable(str(e)) from None
    day = next((c for c in root.iter() if local(c) == "Cube" and c.get("time")), None)
    if day is None:
        raise RateUnavailable(_("The ECB's answer holds no rates of the day: type the rate."))
    try:
        published = date.fromisoformat(day.get("time"))
        rates = {
            cube.get("currency", "").upper(): Decimal(cube.get("rate", ""))
            for cube in children(day, "Cube")
        }
    except (ValueError, InvalidOperation):
        raise RateUnavailable(_("The ECB's answer could not be read: type the rate.")) from None
    return published, {code: rate for code, rate in rates.items() if rate > 0}


def fetch_ecb():
    """The ECB's rates of the day, read from PATRON_ECB_RATES_URL; RateUnavailable when
    the fetch is turned off, fails or takes longer than PATRON_ECB_TIMEOUT seconds."""
    url = settings.ECB_RATES_URL
    if not url.startswith(("https://", "http://")):
        raise RateUnavailable(_("Fetching the ECB's rates is turned off here: type the rate."))
    try:
        with urllib.request.urlopen(url, timeout=settings.ECB_TIMEOUT) as response:  # noqa: S310 (http(s) only, checked above)
            data = response.read(MAX_BYTES + 1)
    except (OSError, ValueError, http.client.HTTPException) as e:  # URLError, timeouts: OSError
        reason = getattr(e, "reason", e)
        raise RateUnavailable(
            _("The ECB's rates could not be fetched (%(reason)s): type the rate.")
            % {"reason": str(reason)[:100]}
        ) from None
    if len(data) > MAX_BYTES:
        raise RateUnavailable(
            _("The ECB's answer is too large to be its daily rates: type the rate.")
        )
    return parse_ecb(data)


def ecb_rate(currency):
    """(rate, day) of one currency: units of it for one euro, on the ECB's latest day."""
    published, rates = fetch_ecb()
    if currency not in rates:
        raise RateUnavailable(
            _("The ECB publishes no reference rate for %(currency)s: type the rate.")
            % {"currency": currency}
        )
    return rates[currency], published


def do_take_ecb_rate(user, document):
    """Put the ECB's rate of the day on a draft in another currency; the fetch happens
    before any transaction, so a slow ECB holds no lock."""
    if not document.is_draft:
        raise ValidationError(
            _("An issued document cannot be changed: correct it with a credit note.")
        )
    if document.currency == "EUR":
        raise ValidationError(_("This document is in euros: it needs no exchange rate."))
    rate, published = ecb_rate(document.currency)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if not document.is_draft:
            raise ValidationError(_("This document has already been issued."))
        set_rate(document, rate, ECB, published)
        document.compute_totals()
        document.save()
        record(user, "update", document, {"exchange_rate": f"{rate} ({ECB} {published})"})
    return document


def set_rate(document, rate, source=TYPED, day=None):
    """The rate on the (unsaved) document, with its day and source; none in euros."""
    if document.currency == "EUR" or rate is None:
        document.exchange_rate, document.exchange_rate_date, document.exchange_rate_source = (
            None,
            None,
            "",
        )
        return document
    document.exchange_rate = rate
    document.exchange_rate_date = day or timezone.localdate()
    document.exchange_rate_source = source
    return document
