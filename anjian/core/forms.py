"""Form helpers shared by the apps.

``bootstrap`` also makes every ``<input type="date">`` render its value as ``YYYY-MM-DD``."""

from __future__ import annotations

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """A browser date picker. Its value is always ``YYYY-MM-DD`` (RFC 3339 full-date), the only
    form ``<input type="date">`` accepts: Django's localized rendering (``2026/12/06`` in
    Chinese) is dropped by the browser, which then shows an empty field."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


def bootstrap(form: forms.BaseForm, *, size: str = "") -> None:
    """Give every widget its Bootstrap 5 class unless it has one: ``form-check-input`` for a
    checkbox, ``form-select`` for a select, ``form-control`` otherwise. ``size="lg"`` (the phone
    forms in the field) adds ``form-select-lg`` / ``form-control-lg``."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.DateInput) and "date" in (widget.input_type, widget.attrs.get("type")):
            widget.format = ISO_DATE  # see DateInput
            widget.is_localized = False
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select" + (f" form-select-{size}" if size else "")
        else:
            css = "form-control" + (f" form-control-{size}" if size else "")
        widget.attrs.setdefault("class", css)
