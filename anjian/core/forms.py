"""Form helpers shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

DASHES = BLANK_CHOICE_DASH[0][1]


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
