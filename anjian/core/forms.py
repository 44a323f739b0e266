"""Form helpers shared by the apps.

``bootstrap`` also makes every ``<input type="date">`` render its value as ``YYYY-MM-DD``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.core.errors import DomainError
from anjian.core.lookups import lookup
from anjian.core.lookups import lookup as get_lookup

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
        choices = list(cast(Iterable[Any], field.choices))
        if choices and choices[0][0] in ("", None) and str(choices[0][1]) == DASHES:
            field.choices = [("", ALL_LABEL), *choices[1:]]


class ScopedSearchInput(forms.TextInput):
    """Search as you type over a scoped lookup (``static/anjian/lookup.js``).

    Rendered as a plain text input holding the chosen row's id or code, so the form works
    without JavaScript (type the credit code, the 行政区划代码 or the full name); the script turns
    it into a search box whose suggestions come from ``/lookup/<key>/`` — the user's scope,
    grouped and sorted — and keeps the id in a hidden input under the field's name."""

    template_name = "core/widgets/scoped_search.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"class": "form-control", **(attrs or {})})
        self.lookup_key = ""
        self.user: Any = None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:


        context = super().get_context(name, value, attrs)
        entry = lookup(self.lookup_key)
        row = entry.find(self.user, value) if value not in (None, "") else None
        if row is not None:  # shown: the code or the name, never the id
            code = getattr(row, entry.code_field, "") if entry.code_field else ""
            context["widget"]["value"] = code or entry.label(row)
        context["widget"].update({
            "chosen_pk": entry.value_of(row) if row is not None else "",
            "lookup_url": reverse("lookup", args=[self.lookup_key]),
            "chosen_label": entry.label(row) if row is not None else "",
            "chosen_detail": entry.detail(row) if row is not None and entry.detail else "",
            "search_placeholder": entry.placeholder or gettext("输入名称或代码搜索"),
        })
        return context

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> Any:
        return mark_safe(render_to_string(template_name, context))


class ScopedModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A model choice bounded by the user's scope: the one way a form chooses a row.

    ``lookup`` names a registered ``core.lookups.Lookup`` (model, action, search, grouping). The
    form binds the user with ``scope_fields(form, user)``; until then the field accepts nothing.
    A value outside ``Model.objects.restrict(user, action)`` — or unknown — is refused with the
    same message as an unknown one, so the field tells nothing about rows beyond the scope.
    ``search=True`` renders the search-as-you-type widget (many rows); otherwise a select."""

    default_error_messages = {
        "invalid_choice": _("所选项不存在或不在您的管辖范围内，请重新选择"),
    }

    def __init__(self, lookup: str, *, search: bool = False, **kwargs: Any) -> None:
        entry = get_lookup(lookup)
        if search:
            kwargs.setdefault("widget", ScopedSearchInput())
        kwargs.setdefault("queryset", entry.all().none())
        super().__init__(**kwargs)
        self.lookup_key = lookup
        self.search = search
        self.user: Any = None
        if isinstance(self.widget, ScopedSearchInput):
            self.widget.lookup_key = lookup

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        result = super().__deepcopy__(memo)
        if isinstance(result.widget, ScopedSearchInput):
            result.widget.lookup_key = self.lookup_key
        return result

    @property
    def entry(self) -> Any:
        return lookup(self.lookup_key)

    def bind(self, user: Any, *, narrow: Any = None) -> None:
        """Bound the choice to ``user``'s scope (``narrow`` filters it further)."""
        self.user = user
        qs = self.entry.queryset(user)
        if narrow is not None:
            qs = narrow(qs)
        if not self.search:
            qs = qs.order_by(*self.entry.order)
        self.queryset = qs
        if isinstance(self.widget, ScopedSearchInput):
            self.widget.user = user
        if self.entry.label is not str and not self.search:
            self.label_from_instance = self.entry.label  # type: ignore[method-assign]

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if self.user is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        entry = self.entry
        row = entry.find(self.user, value, by=None if self.search else "pk")
        if row is not None and (self.queryset is None or not self.queryset.filter(pk=row.pk).exists()):
            row = None
        if row is None:
            if self.search and len(matches := entry.suggest(self.user, str(value), limit=6)) > 1:
                names = gettext("、").join(entry.label(m) for m in matches[:5])
                raise forms.ValidationError(
                    gettext("匹配到多项，请从列表中选择或输入全称：%(names)s") % {"names": names}, code="ambiguous")
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return row

    def prepare_value(self, value: Any) -> Any:
        if hasattr(value, "pk"):
            return self.entry.value_of(value) if self.search else value.pk
        return super().prepare_value(value)


class ScopedModelMultipleChoiceField(ScopedModelChoiceField, forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Several rows from one lookup (a department's sectors): a select of the rows in the user's
    scope; any id outside it, or unknown, is refused like an unknown one."""

    def __init__(self, lookup: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 12}))
        super().__init__(lookup, search=False, **kwargs)

    def to_python(self, value: Any) -> Any:
        return forms.ModelMultipleChoiceField.to_python(self, value)

    def clean(self, value: Any) -> Any:
        if self.user is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return forms.ModelMultipleChoiceField.clean(self, value)

    def prepare_value(self, value: Any) -> Any:
        return forms.ModelMultipleChoiceField.prepare_value(self, value)

    def has_changed(self, initial: Any, data: Any) -> bool:
        return forms.ModelMultipleChoiceField.has_changed(self, initial, data)


def scope_fields(form: forms.BaseForm, user: Any) -> None:
    """Bind every ``ScopedModelChoiceField`` of ``form`` to ``user``: what it offers and accepts
    is ``restrict(user, action)`` of its lookup."""
    form.user = user  # type: ignore[attr-defined]
    for field in form.fields.values():
        if isinstance(field, ScopedModelChoiceField):
            field.bind(user)


def form_refusal(form: forms.BaseForm) -> Any:
    """The first error of an invalid form as a ``DomainError`` in both languages (for views that
    report refusals as a message): "承办部门：所选项不存在或不在您的管辖范围内…"."""

    for name, errors in form.errors.as_data().items():
        field = form.fields.get(name)
        texts: dict[str, str] = {}
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                message = " ".join(str(m) for e in errors for m in e.messages)
                label = str(field.label) if field is not None and field.label else ""
                texts[lang] = f"{label}{'：' if lang == 'zh-hans' else ': '}{message}" if label else message
        return DomainError(texts["zh-hans"], texts["en"], field=None if name == "__all__" else name)
    return DomainError("请检查填写的内容", "Check the form")
