from django.apps import AppConfig


class BusinessConfig(AppConfig):
    name = "patron.business"
    label = "business"
