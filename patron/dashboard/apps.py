from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "patron.dashboard"
    label = "dashboard"
    api_routes = [("/", "patron.dashboard.api:router")]  # system/registry.py
