import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from patron.accounts.access import owner_required
from patron.contacts.cards import all_contacts, contact_vcard, vcards
from patron.contacts.forms import ContactForm, ImportForm, InteractionForm
from patron.contacts.models import Contact, Interaction, Tag
from patron.contacts.network import (
    CONTACTS,
    KIND_FILTERS,
    PICK_SCOPES,
    SORTS,
    do_delete_contact,
    do_delete_interaction,
    do_log_interaction,
    do_save_contact,
    search_contacts,
)
from patron.pricing.warnings import warn_if_below
from patron.system import filters
from patron.system.exporting import csv_response
from patron.system.fragments import page_or_fragment
from patron.system.importing import ImportRefused, check_size, describe_counts, get_importer
from patron.system.picker import pick_response

PAGE_SIZE = 50
PREVIEW_ROWS = 100
UPLOAD_KEY = "contacts_import"


def get_contact(pk):
    return get_object_or_404(Contact.objects.select_related("organisation", "referred_by"), pk=pk)


def list_filters(request):
    """The list's search and filters from the query string, as search_contacts takes them."""
    get = request.GET
    return {
        "q": filters.typed(get, "q"),
        "kind": filters.one_of(get, "kind", KIND_FILTERS),
        "tag": filters.typed(get, "tag", limit=50),
        "due": get.get("due") == "1",
        "sort": filters.one_of(get, "sort", SORTS, default="name"),
    }


def filter_fields(chosen, tags):
    # A tag is matched whatever its case: the menu shows the one chosen as it is spelt, or
    # as it was asked for when no contact has it (the list is empty, and says why).
    tag = next((name for name in tags if name.lower() == chosen["tag"].lower()), None)
    if tag is None and chosen["tag"]:
        tag = chosen["tag"]
        tags = [*tags, tag]
    return [
        filters.search(
            "q", _("Search"), chosen["q"], placeholder=_("Name, email or organisation")
        ),
        filters.select(
            "kind", _("Relationship"), chosen["kind"], kind_choices(),
            blank=_("Every relationship"),
        ),
        filters.select("tag", _("Tag"), tag, [(t, t) for t in tags], blank=_("Every tag")),
        filters.select("sort", _("Sort"), chosen["sort"], sort_choices()),
        filters.checkbox("due", _("Follow-up due"), chosen["due"]),
    ]  # fmt: skip


@owner_required
def contact_list(request):
    chosen = list_filters(request)
    page = Paginator(search_contacts(**chosen), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "query": query.urlencode(),
        "filter_fields": filter_fields(chosen, list(Tag.objects.values_list("name", flat=True))),
        "filtered": any(chosen[k] for k in ("q", "kind", "tag", "due")),
        "today": timezone.localdate(),
    }
    return page_or_fragment(request, "contacts/list.html", "results", context, push_query=True)


@owner_required
@require_GET
def pick(request):
    """Contacts matching what is typed in a picker (organisation, referrer, client)."""
    return pick_response(request, CONTACTS, PICK_SCOPES)


def kind_choices():
    return [
        ("client", _("Clients")),
        ("prospect", _("Prospects")),
        ("peer", _("Peer freelancers")),
        ("partner", _("Partners")),
        ("supplier", _("Suppliers")),
        ("organisation", _("Organisations")),
        ("person", _("People")),
    ]


def sort_choices():
    return [
        ("name", _("Name (A–Z)")),
        ("-name", _("Name (Z–A)")),
        ("next", _("Next contact")),
        ("recent", _("Recently added")),
    ]


@owner_required
def reconnect(request):
    today = timezone.localdate()
    contacts = search_contacts(due=True, sort="next", today=today)
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "contacts/reconnect.html", {"page": page, "today": today, "query": ""})


@owner_required
def contact_detail(request, pk):
    contact = get_contact(pk)
    form = InteractionForm(initial={"on": timezone.localdate(), "kind": Interaction.Kind.MEETING})
    return render(request, "contacts/detail.html", detail_context(contact, form))


def detail_context(contact, form):
    return {
        "contact": contact,
        "form": form,
        "tags": contact.tags.all(),
        "interactions": contact.interactions.all()[:100],
        "referrals": contact.referrals.order_by("name", "last_name", "first_name")[:200],
        "members": contact.members.order_by("last_name", "first_name")[:200]
        if contact.is_organisation
        else [],
        "today": timezone.localdate(),
    }


@owner_required
def contact_create(request):
    organisation = request.GET.get("organisation") == "1"
    form = ContactForm(request.POST or None, initial={"is_organisation": organisation})
    if request.method == "POST" and form.is_valid():
        contact = do_save_contact(request.user, form)
        messages.success(request, _("%(name)s has been added.") % {"name": contact.display_name})
        warn_if_below(request, contact.hourly_rate, request.business.currency)
        return redirect("contacts:detail", pk=contact.pk)
    return render(request, "contacts/form.html", {"form": form})


@owner_required
def contact_edit(request, pk):
    contact = get_contact(pk)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        do_save_contact(request.user, form)
        messages.success(request, _("The changes have been saved."))
        warn_if_below(request, contact.hourly_rate, request.business.currency)
        return redirect("contacts:detail", pk=contact.pk)
    return render(request, "contacts/form.html", {"form": form, "contact": contact})


@owner_required
def contact_delete(request, pk):
    contact = get_contact(pk)
    if request.method == "POST":
        name = contact.display_name
        do_delete_contact(request.user, contact)
        messages.success(request, _("%(name)s has been deleted.") % {"name": name})
        return redirect("contacts:list")
    return render(request, "contacts/delete.html", {"contact": contact})


@owner_required
@require_POST
def interaction_add(request, pk):
    contact = get_contact(pk)
    form = InteractionForm(request.POST)
    if form.is_valid():
        do_log_interaction(request.user, contact, form)
        messages.success(request, _("The interaction has been logged."))
        return redirect("contacts:detail", pk=contact.pk)
    return render(request, "contacts/detail.html", detail_context(contact, form), status=400)


@owner_required
@require_POST
def interaction_delete(request, pk, interaction_pk):
    interaction = get_object_or_404(Interaction, pk=interaction_pk, contact_id=pk)
    do_delete_interaction(request.user, interaction)
    messages.success(request, _("The interaction has been deleted."))
    return redirect("contacts:detail", pk=pk)


# The contact columns of the CSV export, headed by their (translated) field names.
EXPORT_FIELDS = [
    "name", "first_name", "last_name", "organisation", "position", "tags", "email", "phone",
    "website", "linkedin_url", "street", "postcode", "city", "country", "language",
    "vat_number", "company_number", "referred_by", "next_contact_on", "cadence_days",
    "connected_on", "notes",
]  # fmt: skip


def field_label(name):
    return capfirst(Contact._meta.get_field(name).verbose_name)


def contact_row(c, types, kinds):
    return [
        types[c.is_organisation],
        c.name,
        c.first_name,
        c.last_name,
        c.organisation.name if c.organisation_id else "",
        c.position,
        ", ".join(kinds[kind] for kind in c.kinds),
        ", ".join(t.name for t in c.tags.all()),
        c.email,
        c.phone,
        c.website,
        c.linkedin_url,
        c.street,
        c.postcode,
        c.city,
        c.country,
        c.get_language_display(),
        c.vat_number,
        c.company_number,
        c.referred_by.display_name if c.referred_by_id else "",
        c.next_contact_on or "",
        c.cadence_days or "",
        c.connected_on or "",
        c.notes,
    ]


@owner_required
def export_csv(request):
    contacts = search_contacts(**list_filters(request)).select_related("referred_by")
    labels = [field_label(name) for name in EXPORT_FIELDS]
    # Type and relationships (client, prospect…) after the position, as the form shows them.
    header = [_("Type"), *labels[:5], _("Relationship"), *labels[5:]]
    types = {True: _("Organisation"), False: _("Person")}
    kinds = {
        kind: str(Contact._meta.get_field(f"is_{kind}").verbose_name) for kind in Contact.KINDS
    }
    rows = (contact_row(c, types, kinds) for c in contacts.iterator(chunk_size=1000))
    return csv_response("contacts.csv", header, rows)


@owner_required
def export_vcard(request, pk=None):
    if pk is None:
        response = StreamingHttpResponse(
            vcards(all_contacts().iterator(chunk_size=1000)),
            content_type="text/vcard; charset=utf-8",
        )
        filename = "contacts.vcf"
    else:
        contact = get_contact(pk)
        response = StreamingHttpResponse(
            [contact_vcard(contact)], content_type="text/vcard; charset=utf-8"
        )
        filename = f"contact-{contact.pk}.vcf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Import: the upload waits in the data folder under a random name that only the
# session knows, between the preview and the confirmation.


def upload_dir():
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def pending_upload(request):
    """(kind, path, file name) of the upload waiting in this session, or None."""
    pending = request.session.get(UPLOAD_KEY)
    if not isinstance(pending, dict):
        return None
    token = str(pending.get("token", ""))
    if len(token) != 43 or not all(c.isalnum() or c in "-_" for c in token):
        return None
    path = upload_dir() / f"{token}.upload"
    if not path.is_file():
        return None
    return pending.get("kind"), path, pending.get("name", "")


def forget_upload(request):
    pending = pending_upload(request)
    if pending:
        pending[1].unlink(missing_ok=True)
    request.session.pop(UPLOAD_KEY, None)


@owner_required
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        try:
            check_size(upload.size)
            data = upload.read()
            plan = get_importer(kind).plan(data)
        except ImportRefused as e:
            form.add_error("file", str(e))
        else:
            if plan.ok:
                forget_upload(request)
                token = secrets.token_urlsafe(32)
                path = upload_dir() / f"{token}.upload"
                path.write_bytes(data)
                path.chmod(0o600)
                request.session[UPLOAD_KEY] = {
                    "token": token,
                    "kind": kind,
                    "name": upload.name[:100],
                }
                return redirect("contacts:import_preview")
            return render(
                request,
                "contacts/import.html",
                {
                    "form": form,
                    "errors": plan.errors[:50],
                    "more_errors": max(0, len(plan.errors) - 50),
                },
                status=400,
            )
    return render(
        request, "contacts/import.html", {"form": form}, status=400 if form.errors else 200
    )


@owner_required
def import_preview(request):
    pending = pending_upload(request)
    if pending is None:
        messages.info(request, _("Choose a file to import first."))
        return redirect("contacts:import")
    kind, path, name = pending
    try:
        importer = get_importer(kind)
        plan = importer.plan(path.read_bytes())
    except ImportRefused as e:
        forget_upload(request)
        messages.error(request, str(e))
        return redirect("contacts:import")
    if request.method == "POST":
        if request.POST.get("action") == "cancel" or not plan.ok:
            forget_upload(request)
            messages.info(request, _("Nothing was imported."))
            return redirect("contacts:import")
        done = importer.apply(plan)
        forget_upload(request)
        messages.success(request, _("Imported: %(counts)s.") % {"counts": describe_counts(done)})
        return redirect("contacts:list")
    return render(
        request,
        "contacts/import_preview.html",
        {
            "plan": plan,
            "name": name,
            "kind": kind,
            "items": plan.items[:PREVIEW_ROWS],
            "more": max(0, len(plan.items) - PREVIEW_ROWS),
        },
    )
