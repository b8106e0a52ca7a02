from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "patron.pricing"
    label = "pricing"
    api_routes = [("/pricing", "patron.pricing.api:router")]  # system/registry.py
