"""What each app offers the framework, found where the framework looks: attributes of its
AppConfig (apps.py), in INSTALLED_APPS order. A lower layer (system, api) asks here rather
than naming the apps above it, as `patron demo` finds each app's demo.py.

An app may declare, as dotted "module:name" strings so that nothing is imported before
it is needed:
- importers: {kind of `patron import KIND FILE`: its importer class};
- import_phrases: [a dict {count key: ngettext_lazy phrase}] naming an importer's counts;
- jobs: [(name, task, period)] the worker's scheduler enqueues once per period;
- sweeps: [function] each worker runs to take up what a killed worker left half-done;
- api_routes: [(prefix, router)] mounted under /api/.
"""

from functools import cache
from importlib import import_module

from django.apps import apps


def load(dotted):
    module, name = dotted.split(":")
    return getattr(import_module(module), name)


def offered(attribute):
    """Each app's declarations of `attribute`, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        yield from getattr(config, attribute, ())


@cache
def importers():
    found = {}
    for config in apps.get_app_configs():
        found.update(getattr(config, "importers", {}))
    return found


@cache
def import_phrases():
    phrases = {}
    for dotted in offered("import_phrases"):
        phrases.update(load(dotted))
    return phrases


def jobs():
    return [(name, load(task), period) for name, task, period in offered("jobs")]


def sweeps():
    return [load(dotted) for dotted in offered("sweeps")]


def api_routes():
    return [(prefix, load(router)) for prefix, router in offered("api_routes")]
