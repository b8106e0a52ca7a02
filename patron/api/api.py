from django.urls import reverse
from ninja import NinjaAPI

import patron
from patron.api.auth import TokenAuth, token_or_owner_required
from patron.billing.api import router as billing_router
from patron.billing.chasing_api import router as chasing_router
from patron.billing.statement_api import router as statements_router
from patron.billing.validation.api import router as einvoice_router
from patron.business.api import router as business_router
from patron.contacts.api import router as contacts_router
from patron.dashboard.api import router as dashboard_router
from patron.pricing.api import router as pricing_router
from patron.work.api import router as work_router
from patron.work.expense_api import router as expenses_router

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


api.add_router("/business", business_router)
api.add_router("/contacts", contacts_router)
api.add_router("/work", work_router)
api.add_router("/expenses", expenses_router)
api.add_router("/billing/statements", statements_router)
api.add_router("/billing", billing_router)
api.add_router("/billing", chasing_router)
api.add_router("/einvoice", einvoice_router)
api.add_router("/", dashboard_router)
api.add_router("/pricing", pricing_router)
