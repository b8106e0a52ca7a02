from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "patron.billing"
    label = "billing"
