"""Form helpers shared by the apps.

``bootstrap`` also makes every ``<input type="date">`` render its value as ``YYYY-MM-DD``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

DASHES = BLANK_CHOICE_DASH[0][1]

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


ALL_LABEL = _("全部")


class QueryForm(forms.Form):
    """The base of every list's filter form (GET). An optional choice left at its default blank
    option reads 全部 / All instead of Django's "---------" (an ``empty_label`` or blank choice a
    form sets itself is kept), and every widget gets its Bootstrap class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label_blank_as_all(field)
        bootstrap(self)


def label_blank_as_all(field: forms.Field) -> None:
    if field.required:
        return
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DASHES:
            field.empty_label = ALL_LABEL
        return
    if isinstance(field, forms.ChoiceField) and not callable(getattr(field, "_choices", None)):
        choices = list(field.choices)
        if choices and choices[0][0] in ("", None) and str(choices[0][1]) == DASHES:
            field.choices = [("", ALL_LABEL), *choices[1:]]
