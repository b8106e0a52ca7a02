from django.apps import AppConfig


class BusinessConfig(AppConfig):
    name = "patron.business"
    label = "business"
    api_routes = [("/business", "patron.business.api:router")]  # system/registry.py
