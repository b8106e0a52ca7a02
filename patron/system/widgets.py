"""Form widgets that Django's own do not cover well."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData


class EscapingRenderer(DjangoTemplates):
    """Django's form renderer: every value a widget shows is escaped, and inert to htmx.

    Django's widget templates escape a value unless it is marked safe, and text
    rendered from a template is (an email body pre-filled from billing/email_body.txt,
    with the client's name in it). A value in a field is always text, never markup:
    here it loses the mark before it is drawn, whatever made it. Each widget also
    carries hx-disable, as every region showing user data does (base.html says why);
    the form around it may still be an htmx control: htmx reads the attribute on the
    element that makes the request and its ancestors only.
    """

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if isinstance(widget, dict):
            harden(widget)
        return super().render(template_name, context, request=request)


def harden(widget):
    if isinstance(widget.get("value"), SafeData):
        widget["value"] = str.__str__(widget["value"])
    if isinstance(widget.get("attrs"), dict):
        widget["attrs"] = {**widget["attrs"], "hx-disable": True}
    for subwidget in widget.get("subwidgets", ()):
        harden(subwidget)


class LongSelect(forms.Select):
    """A <select> of hundreds of fixed choices (countries, time zones), built in Python.

    Django renders every <option> through a template of its own, about 0.1 ms each: 25 ms
    for the world's countries on every form that asks for one.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**self.build_attrs(self.attrs, attrs), "name": name}
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) == chosen else "", label)
                for key, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(attrs), options)
