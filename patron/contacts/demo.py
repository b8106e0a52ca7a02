"""The sample network of `patron demo`: clients, prospects, peers and partners around Brussels and Lyon."""

from datetime import timedelta

from django.utils import timezone

from patron.contacts.models import Contact, Interaction
from patron.contacts.network import get_tags

ORGANISATIONS = [
    # name, kinds, city, postcode, country, website, tags
    (
        "Brasserie du Canal",
        ["client"],
        "Bruxelles",
        "1000",
        "BE",
        "https://brasserie-canal.example",
        "horeca",
    ),
    ("Studio Nord", ["partner"], "Gent", "9000", "BE", "https://studionord.example", "agency"),
    (
        "Maison Verte SRL",
        ["client"],
        "Namur",
        "5000",
        "BE",
        "https://maisonverte.example",
        "retail, sustainability",
    ),
    ("Agence Bleue", ["prospect"], "Lyon", "69002", "FR", "https://agence-bleue.example", "agency"),
    (
        "Imprimerie Leroy",
        ["supplier"],
        "Liège",
        "4000",
        "BE",
        "https://imprimerie-leroy.example",
        "print",
    ),
    (
        "Les Ateliers du Rhône",
        ["client"],
        "Lyon",
        "69007",
        "FR",
        "https://ateliers-rhone.example",
        "culture",
    ),
    (
        "Cowork Flagey",
        ["partner"],
        "Ixelles",
        "1050",
        "BE",
        "https://cowork-flagey.example",
        "events",
    ),
]
PEOPLE = [
    # first, last, organisation, position, kinds, language, tags, cadence days
    ("Eva", "Janssens", "Brasserie du Canal", "Gérante", ["client"], "fr", "horeca", 42),
    ("Pieter", "De Smet", "Studio Nord", "Creative director", ["partner"], "en", "agency", 60),
    ("Inès", "Vermeulen", "Studio Nord", "Developer", ["peer"], "en", "web", None),
    ("Camille", "Dubois", "Maison Verte SRL", "Fondatrice", ["client"], "fr", "sustainability", 30),
    ("Thomas", "Dupont", "Agence Bleue", "Chef de projet", ["prospect"], "fr", "agency", 21),
    ("Julie", "Moreau", "Agence Bleue", "Directrice artistique", ["prospect"], "fr", "", None),
    ("Marc", "Leroy", "Imprimerie Leroy", "Gérant", ["supplier"], "fr", "print", None),
    (
        "Sophie",
        "Lambert",
        "",
        "Illustratrice indépendante",
        ["peer"],
        "fr",
        "illustration, events",
        90,
    ),
    (
        "Nicolas",
        "Girard",
        "Les Ateliers du Rhône",
        "Responsable communication",
        ["client"],
        "fr",
        "culture",
        45,
    ),
    ("Amélie", "Fontaine", "", "Photographe", ["peer", "partner"], "fr", "photo", 60),
    ("Lars", "Peeters", "Cowork Flagey", "Community manager", ["partner"], "en", "events", 30),
    ("Hannah", "Wouters", "", "UX researcher", ["peer"], "en", "web", None),
    ("Youssef", "El Amrani", "", "Consultant marketing", ["prospect"], "fr", "marketing", 14),
    (
        "Charlotte",
        "Mertens",
        "",
        "Avocate (propriété intellectuelle)",
        ["supplier"],
        "fr",
        "legal",
        None,
    ),
    ("Olivier", "Bernard", "", "Comptable", ["supplier"], "fr", "finance", 180),
    ("Léa", "Petit", "", "Développeuse freelance", ["peer"], "fr", "web", None),
    ("Bram", "Claes", "", "Fondateur d'une start-up", ["prospect"], "en", "startup", 30),
    ("Manon", "Rousseau", "", "Organisatrice de la Design Week", ["partner"], "fr", "events", 90),
]
# Who sent whom: a chain from the coworking space to a paying client.
REFERRALS = [
    ("Lars Peeters", "Sophie Lambert"),
    ("Sophie Lambert", "Eva Janssens"),
    ("Eva Janssens", "Camille Dubois"),
    ("Amélie Fontaine", "Nicolas Girard"),
]
INTERACTIONS = [
    # person, days ago, kind, note
    ("Eva Janssens", 80, "meeting", "Premier rendez-vous : nouvelle carte et site web."),
    ("Eva Janssens", 50, "email", "Devis envoyé pour la carte."),
    ("Sophie Lambert", 120, "event", "Rencontrée à la Design Week de Bruxelles."),
    ("Sophie Lambert", 95, "referral_received", "M'a présenté Eva (Brasserie du Canal)."),
    (
        "Thomas Dupont",
        30,
        "call",
        "Intéressé par une refonte de leur identité ; rappeler après l'été.",
    ),
    ("Camille Dubois", 40, "meeting", "Kick-off du packaging."),
    ("Pieter De Smet", 70, "call", "Possible sous-traitance pour un client gantois."),
    ("Lars Peeters", 35, "event", "Apéro freelances au Cowork Flagey."),
    ("Nicolas Girard", 60, "email", "Brief reçu pour l'affiche de la saison."),
    ("Bram Claes", 10, "meeting", "Coffee: needs a pitch deck by next month."),
    ("Amélie Fontaine", 25, "referral_given", "Je lui ai envoyé Youssef pour des photos produit."),
]


def populate(owner, country="BE"):
    today = timezone.localdate()
    organisations = {}
    for name, kinds, city, postcode, country, website, tags in ORGANISATIONS:
        org = Contact.objects.create(
            is_organisation=True,
            name=name,
            city=city,
            postcode=postcode,
            country=country,
            website=website,
            language="fr",
            **{f"is_{kind}": True for kind in kinds},
        )
        org.tags.set(get_tags([t.strip() for t in tags.split(",") if t.strip()]))
        organisations[name] = org
    people = {}
    for index, (first, last, org, position, kinds, language, tags, cadence) in enumerate(PEOPLE):
        slug = f"{first}.{last}".lower().replace(" ", "").replace("é", "e").replace("è", "e")
        slug = slug.replace("ï", "i").replace("'", "")
        person = Contact.objects.create(
            first_name=first,
            last_name=last,
            organisation=organisations.get(org),
            position=position,
            email=f"{slug}@example.{'fr' if language == 'fr' and index % 3 else 'be'}",
            linkedin_url=f"https://www.linkedin.com/in/{slug.replace('.', '-')}",
            language=language,
            cadence_days=cadence,
            # Spread the follow-ups: a few overdue, some due soon, others later.
            next_contact_on=today + timedelta(days=(index % 6 - 2) * 7) if cadence else None,
            connected_on=today - timedelta(days=200 + index * 37),
            **{f"is_{kind}": True for kind in kinds},
        )
        person.tags.set(get_tags([t.strip() for t in tags.split(",") if t.strip()]))
        people[f"{first} {last}"] = person
    for referrer, referred in REFERRALS:
        Contact.objects.filter(pk=people[referred].pk).update(referred_by=people[referrer])
    for name, days_ago, kind, note in INTERACTIONS:
        Interaction.objects.create(
            contact=people[name], on=today - timedelta(days=days_ago), kind=kind, note=note
        )
    count = len(ORGANISATIONS) + len(PEOPLE)
    return f"{count} contacts ({len(ORGANISATIONS)} organisations), {len(INTERACTIONS)} interactions, a referral chain"
