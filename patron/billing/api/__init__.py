"""The billing API: documents, payments and the books share one router (mounted at
/api/billing by apps.py), each part registering its routes on it when imported here."""

from patron.billing.api import books, documents, payments  # noqa: F401 -- their routes
from patron.billing.api.documents import router

__all__ = ["router"]
