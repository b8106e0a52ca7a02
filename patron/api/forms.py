"""The API changes things through the pages' forms: one way to bind a form to a payload."""


def patch_form(form_class, current, payload, *, exclude=(), convert=None, **form_kwargs):
    """`form_class` bound to the `current` values (by the form's field names) changed by what
    the payload sets, so that a PATCH leaves out what it does not change and the form checks
    the whole as the page would.

    The API names a relation by its id (`client_id`), the form by its field (`client`): a key
    `x_id` sets the field `x` when the form has one. `convert` maps a key to a function that
    turns its payload value into what the form reads (a list of tags into one text). Null
    clears a field, and False is left out as an unchecked box is from a submitted page.
    """
    data = dict(current)
    for key, value in payload.dict(exclude_unset=True, exclude=set(exclude)).items():
        if key in (convert or {}):
            value = convert[key](value)
        name = key.removesuffix("_id")
        data[name if name != key and name in form_class.base_fields else key] = value
    data = {key: value for key, value in data.items() if value is not None and value is not False}
    return form_class(data, **form_kwargs)
