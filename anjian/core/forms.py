"""Form helpers shared by the apps."""

from __future__ import annotations

from django import forms


def bootstrap(form: forms.BaseForm, *, size: str = "") -> None:
    """Give every widget its Bootstrap 5 class unless it has one: ``form-check-input`` for a
    checkbox, ``form-select`` for a select, ``form-control`` otherwise. ``size="lg"`` (the phone
    forms in the field) adds ``form-select-lg`` / ``form-control-lg``."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select" + (f" form-select-{size}" if size else "")
        else:
            css = "form-control" + (f" form-control-{size}" if size else "")
        widget.attrs.setdefault("class", css)
