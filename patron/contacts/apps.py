from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "patron.contacts"
    label = "contacts"
    # What the framework finds here (patron/system/registry.py).
    importers = {
        "linkedin": "patron.contacts.importers:LinkedInImporter",
        "vcard": "patron.contacts.importers:VCardImporter",
    }
    import_phrases = ["patron.contacts.importers:PHRASES"]
    api_routes = [("/contacts", "patron.contacts.api:router")]
