from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "patron.work"
    label = "work"
