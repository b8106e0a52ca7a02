from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "patron.dashboard"
    label = "dashboard"
