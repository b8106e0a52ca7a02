"""What every resource of the API answers alike: 422 with the message of each field,
and who the audit log says made a change through the API."""

from django.core.exceptions import ValidationError
from ninja import Schema


class ValidationErrors(Schema):
    detail: str
    errors: dict[str, list[str]]


def form_errors(form, detail):
    """422 from an invalid form: the pages' checks, the pages' messages."""
    errors = {field: [str(m) for m in messages] for field, messages in form.errors.items()}
    return 422, {"detail": detail, "errors": errors}


def validation_errors(error, detail):
    """422 from a ValidationError raised by a do_* function."""
    if hasattr(error, "error_dict"):
        errors = {
            field: [str(m) for m in ValidationError(e).messages]
            for field, e in error.error_dict.items()
        }
    else:
        errors = {"__all__": error.messages}
    return 422, {"detail": detail, "errors": errors}


def api_actor(request):
    return f"{request.user.get_username()} (API)"
