from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "patron.system"
    label = "system"

    def ready(self):
        from patron.system import checks  # noqa: F401  (registers the checks)
