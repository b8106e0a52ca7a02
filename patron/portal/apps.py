from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "patron.portal"
    label = "portal"
