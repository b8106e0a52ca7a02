from django.urls import reverse
from ninja import NinjaAPI

import patron
from patron.api.auth import TokenAuth, token_or_owner_required
from patron.system import registry

api = NinjaAPI(
    title="Patron API",
    version=patron.__version__,
    description="The REST API of Patron. Authenticate with a personal access token: "
    "`Authorization: Bearer ptn_…` (Settings → API tokens, or `patron token create NAME`).",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url=None,
    docs_decorator=token_or_owner_required,
)


@api.get("/", summary="The API root: version and resources")
def root(request):
    return {
        "name": "Patron",
        "version": patron.__version__,
        "schema": reverse("api:openapi-json"),
        "resources": {
            "business": reverse("api:business_read"),
            "contacts": reverse("api:contacts_list"),
            "interactions": reverse("api:interactions_list"),
            "projects": reverse("api:work_projects"),
            "tasks": reverse("api:work_tasks"),
            "time_entries": reverse("api:work_entries"),
            "timer": reverse("api:work_timer"),
            "expenses": reverse("api:expenses_list"),
            "documents": reverse("api:billing_documents"),
            "statements": reverse("api:statements_list"),
            "reminders": reverse("api:billing_reminders"),
            "einvoice_validate": reverse("api:einvoice_validate"),
            "recurring": reverse("api:billing_recurring"),
            "dashboard": reverse("api:dashboard"),
            "effective_rate": reverse("api:effective_rate"),
            "rate": reverse("api:pricing_rate"),
            "scenarios": reverse("api:pricing_scenarios"),
        },
    }


# Each app declares its routers where the framework finds them (system/registry.py).
for prefix, router in registry.api_routes():
    api.add_router(prefix, router)
