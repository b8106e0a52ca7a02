from datetime import timedelta

from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "patron.system"
    label = "system"
    # What the framework finds here (patron/system/registry.py).
    jobs = [
        ("prune-login-failures", "patron.system.tasks:prune_login_failures", timedelta(days=1)),
        ("prune-import-uploads", "patron.system.tasks:prune_import_uploads", timedelta(hours=6)),
    ]
    # Mail left "sending" by a killed worker, in every outbox (patron/system/outbox.py).
    sweeps = ["patron.system.outbox:resume_interrupted"]

    def ready(self):
        from patron.system import checks  # noqa: F401  (registers the checks)
