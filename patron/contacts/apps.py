from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "patron.contacts"
    label = "contacts"
