"""The work part of `patron demo`: projects for a few clients, three months of
tracked time on working days, and the expenses of a small studio, one of them a
supplier's Peppol e-invoice booked as a dropped file would be.

Clients are found by name (the contacts demo may have made them) or created.
Everything is drawn from a seeded random generator: every demo is the same.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from patron.business.profile import get_business
from patron.contacts.models import Contact
from patron.money import cents
from patron.work.expenses.demo_einvoice import demo_invoice
from patron.work.expenses.supplier_invoices import do_import_supplier_invoice
from patron.work.models import Expense, Project, Task, TimeEntry
from patron.work.timing import do_save_entry

CLIENTS = [
    # name, hourly rate, city, country
    ("Brasserie Vos", Decimal("90"), "Bruxelles", "BE"),
    ("Musée des Arts Modestes", None, "Lille", "FR"),
    ("Atelier Nord", Decimal("80"), "Gent", "BE"),
    ("Ville de Namur", None, "Namur", "BE"),
]

PROJECTS = [
    # client, name, billing mode, rate, increment, tasks, tags, notes
    (0, "Brasserie Vos — site web", "hourly", None, 15,
     ["Maquettes", "Intégration", "Photos"], ["design", "dev"],
     ["Maquette de la page d'accueil", "Intégration du menu", "Retouches photos", "Appel avec Marc"]),
    (0, "Brasserie Vos — étiquettes", "fixed", Decimal("1800"), 1,
     ["Esquisses", "Déclinaisons"], ["design", "print"],
     ["Esquisses étiquette blonde", "Déclinaison triple", "BAT imprimeur"]),
    (1, "Exposition « Objets ordinaires »", "daily", Decimal("560"), 30,
     ["Affiche", "Signalétique", "Catalogue"], ["design", "print"],
     ["Affiche A0", "Cartels de salle", "Mise en page du catalogue", "Réunion de suivi"]),
    (2, "Atelier Nord — identité", "hourly", None, 15,
     ["Logo", "Charte"], ["design"],
     ["Recherches de logo", "Charte graphique", "Présentation au client"]),
    (3, "Ville de Namur — brochure", "hourly", Decimal("95"), 15,
     ["Rédaction", "Mise en page"], ["print"],
     ["Mise en page de la brochure", "Corrections", "Préparation des fichiers"]),
    (None, "Atelier Lumen — administration", "non_billable", None, 1,
     [], ["admin"], ["Factures et relances", "Comptabilité", "Mise à jour du portfolio"]),
]  # fmt: skip

EXPENSES = [
    # supplier, description, category, amount, VAT rate, project index (billable) or None
    ("Adobe", "Creative Cloud, un mois", "Logiciels", "65.00", "21", None),
    ("Figma", "Abonnement Professional", "Logiciels", "15.00", "21", None),
    ("SNCB", "Aller-retour Bruxelles–Lille", "Déplacements", "46.40", "6", 2),
    ("Imprimerie Van Dijk", "Épreuves étiquettes", "Impression", "120.00", "21", 1),
    ("Coworking Le Phare", "Poste de travail, un mois", "Bureau", "220.00", "21", None),
    ("Fnac Pro", "Disque SSD 2 To", "Matériel", "149.00", "21", None),
    ("Formation Typographie asbl", "Atelier typographie", "Formation", "180.00", "0", None),
    ("Proximus", "Internet et mobile", "Télécom", "55.37", "21", None),
]


def find_or_create_client(name, rate, city, country):
    client = Contact.objects.filter(is_organisation=True, name__iexact=name).first()
    if client is None:
        return Contact.objects.create(
            is_organisation=True,
            is_client=True,
            name=name,
            hourly_rate=rate,
            city=city,
            country=country,
            language="fr",
        )
    if not client.is_client:
        client.is_client = True
        client.save(update_fields=["is_client", "updated_at"])
    return client


def populate(owner, country="BE"):
    business = get_business()
    zone = ZoneInfo(business.time_zone) if business else timezone.get_current_timezone()
    rng = random.Random(2026)  # sample data, not secrets
    clients = [find_or_create_client(*c) for c in CLIENTS]
    today = timezone.localdate()
    first_day = today - timedelta(days=91)
    projects = []
    for client, name, mode, rate, increment, tasks, tags, notes in PROJECTS:
        project = Project.objects.create(
            client=clients[client] if client is not None else None,
            name=name,
            billing_mode=mode,
            rate=rate,
            billing_increment_minutes=increment,
            start_on=first_day,
            due_on=today + timedelta(days=rng.randint(10, 60)) if mode != "non_billable" else None,
            budget_hours=Decimal(rng.choice([40, 60, 80])) if mode == "hourly" else None,
        )
        made = [
            Task.objects.create(project=project, title=t, position=i) for i, t in enumerate(tasks)
        ]
        projects.append((project, made, tags, notes))
    entries = 0
    day = first_day
    while day < today:
        if day.weekday() < 5:
            moment = datetime.combine(day, time(8, 30), zone) + timedelta(
                minutes=rng.randint(0, 60)
            )
            for _ in range(rng.randint(2, 4)):
                project, tasks, tags, notes = rng.choice(projects)
                minutes = rng.choice([20, 45, 60, 90, 120, 150, 180])
                entry = TimeEntry(
                    project=project,
                    task=rng.choice(tasks) if tasks else None,
                    start=moment,
                    end=moment + timedelta(minutes=minutes),
                    note=rng.choice(notes),
                    billable=project.billing_mode != Project.BillingMode.NON_BILLABLE,
                )
                do_save_entry(entry, tags=rng.sample(tags, k=rng.randint(0, len(tags))))
                entries += 1
                moment = entry.end + timedelta(minutes=rng.choice([0, 10, 15, 30, 60]))
        day += timedelta(days=1)
    for month in range(3):
        for supplier, description, category, amount, vat, project in EXPENSES:
            if month and category in ("Matériel", "Formation", "Impression", "Déplacements"):
                continue  # once only; subscriptions come back each month
            amount, vat = Decimal(amount), Decimal(vat)
            linked = projects[project][0] if project is not None else None
            Expense.objects.create(
                on=today - timedelta(days=30 * month + rng.randint(1, 25)),
                supplier=supplier,
                description=description,
                category=category,
                amount_excl_vat=amount,
                vat_rate=vat,
                vat_amount=cents(amount * vat / 100),
                currency="EUR",
                billable=linked is not None,
                project=linked,
                client=linked.client if linked else None,
            )
    booked = do_import_supplier_invoice(
        demo_invoice(country, business.legal_name, business.company_number),
        user=owner,
        actor="demo",
    )
    booked.expense.category = "Hébergement"
    booked.expense.save(update_fields=["category"])
    expenses = Expense.objects.count()
    return (
        f"{len(projects)} projects for {len(clients)} clients, "
        f"{entries} time entries over three months, {expenses} expenses"
    )
