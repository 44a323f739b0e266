"""What people read in change logs and timelines: labels in their language, never internals.

* ``field_value(field, value, names)`` shows one stored value the way a user reads it: the
  choice label of an enum value, the name of a related object, local time to the minute,
  是/否 — never a raw code, an id or a UTC timestamp.
* ``Msg`` is a timeline summary that can be shown in the reader's language: its template is a
  translatable message (mark it with ``gettext_noop``) and its parameters are data, labels
  (lazy translations, choice labels) or dates. ``record_event(summary=Msg(...))`` stores the
  Chinese text in ``summary`` (for search) and the message itself in ``Event.message``.
* ``register_verb`` / ``verb_label`` name every timeline event kind; ``register_renderer`` lets a
  mechanism (the workflow) render its own events from their structured data.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext, pgettext

from anjian.core.workflow import render_transition

DATETIME_FORMAT = "%Y-%m-%d %H:%M"
DATE_FORMAT = "%Y-%m-%d"
EMPTY = "—"


# --- single values -----------------------------------------------------------------------------


def local_minute(value: dt.datetime) -> str:
    """A moment as local time (``TIME_ZONE``) to the minute."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(DATETIME_FORMAT)


def yes_no(value: bool) -> str:
    return gettext("是") if value else gettext("否")


def lazy_msgid(value: Promise) -> tuple[str, str] | None:
    """(context, msgid) of a lazy translation, so it can be stored and translated when shown."""
    try:
        _unpickle, (func, args, _kw, *_classes) = value.__reduce__()  # type: ignore[misc]
    except (TypeError, ValueError):
        return None
    name = getattr(func, "__name__", "")
    if name == "pgettext" and len(args) == 2:
        return str(args[0]), str(args[1])
    if name == "gettext" and len(args) == 1:
        return "", str(args[0])
    return None


def _choice_map(field: models.Field) -> dict[str, Any]:
    return {str(k): v for k, v in (field.flatchoices or [])}


ValueDisplay = Callable[[Any], str]
VALUE_DISPLAY: dict[tuple[str, str], ValueDisplay] = {}


def register_value_display(model_label: str, field_name: str, display: ValueDisplay) -> None:
    """How a field without choices shows its stored codes, e.g. ``("enterprises.enterprise", "flags")``."""
    VALUE_DISPLAY[(model_label.lower(), field_name)] = display


def field_value(field: models.Field | None, value: Any, names: dict[tuple[type, str], str] | None = None) -> str:
    """One stored value of ``field`` as a reader sees it (``names`` maps (model, pk) → object name)."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    model = getattr(field, "model", None)
    if model is not None and (custom := VALUE_DISPLAY.get((model._meta.label_lower, field.name))):
        return custom(value)
    if field is not None and getattr(field, "flatchoices", None):
        labels = _choice_map(field)
        if isinstance(value, list | tuple):
            return gettext("、").join(str(labels.get(str(v), v)) for v in value)
        if str(value) in labels:
            return str(labels[str(value)])
    if field is not None and field.is_relation and field.related_model is not None:
        if isinstance(value, list | tuple):  # many-to-many history: [{"sector": 3, ...}, ...]
            return gettext("、").join(_related_name(field.related_model, _m2m_pk(field, v), names) for v in value) or EMPTY
        return _related_name(field.related_model, value, names)
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, dt.datetime):
        return local_minute(value)
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT)
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        parsed = parse_datetime(value)
        return local_minute(parsed) if parsed else value
    if isinstance(field, models.DateField) and isinstance(value, str):
        parsed_date = parse_date(value)
        return parsed_date.strftime(DATE_FORMAT) if parsed_date else value
    if isinstance(field, models.FileField):
        return str(getattr(value, "name", value)).rsplit("/", 1)[-1] or EMPTY
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, dict):
        return gettext("（已修改，详见本页）")
    if isinstance(value, list | tuple):
        if all(isinstance(v, str | int | float) for v in value):
            return gettext("、").join(str(v) for v in value)
        return gettext("（已修改，详见本页）")
    return str(value)


def _m2m_pk(field: models.Field, row: Any) -> Any:
    if not isinstance(row, dict):
        return row
    name = field.related_model._meta.model_name
    for key in (name, f"{name}_id"):
        if key in row:
            return row[key]
    return next(iter(row.values()), None)


def _related_name(model: type, pk: Any, names: dict[tuple[type, str], str] | None) -> str:
    if pk is None or pk == "":
        return EMPTY
    pk = getattr(pk, "pk", pk)
    key = (model, str(pk))
    if names is not None and key in names:
        return names[key]
    obj = model._base_manager.filter(pk=pk).first()
    name = object_name(obj) if obj is not None else gettext("（已删除）")
    if names is not None:
        names[key] = name
    return name


def object_name(obj: Any) -> str:
    """The name a person reads for an object: a user's display name, otherwise ``str(obj)``."""
    if obj is None:
        return gettext("（已删除）")
    display = getattr(obj, "display_name", "")
    if isinstance(display, str) and display:
        return display
    return str(obj)


def reason_text(reason: str) -> str:
    """A stored change reason in the reader's language where the platform wrote it ("状态：已销号"
    → "Status: Written off"); words a person typed stay as typed."""
    if not reason:
        return ""
    head, sep, rest = reason.partition("：")
    if not sep:
        return gettext(reason)
    return gettext(head) + pgettext("label separator", "：") + gettext(rest)


# --- timeline messages -------------------------------------------------------------------------


class Both(tuple):
    """A parameter that already exists in both languages (rule explanations): ``Both(zh, en)``."""

    def __new__(cls, zh: str, en: str) -> Both:
        return super().__new__(cls, (str(zh), str(en or zh)))


class Msg:
    """A timeline summary shown in the reader's language.

    ``Msg(gettext_noop("整改完成：{title}"), title=hazard.title)``. Parameters may be text (shown
    as written), lazy translations or choice labels (translated when shown), dates, datetimes
    (local time to the minute), numbers, or a list of those (joined with 、).
    """

    def __init__(self, template: str, **params: Any) -> None:
        self.template = str(template)
        self.params = params

    def encode(self) -> dict[str, Any]:
        return {"t": self.template, "p": {k: _encode(v) for k, v in self.params.items()}}

    def __str__(self) -> str:
        with translation.override("zh-hans"):
            return render_msg(self.encode())


def _encode(value: Any) -> Any:
    if isinstance(value, Both):
        return {"zh": value[0], "en": value[1]}
    if isinstance(value, Msg):
        return {"m": value.encode()}
    if isinstance(value, Promise):
        found = lazy_msgid(value)
        if found is not None:
            return {"_": found[1], "c": found[0]} if found[0] else {"_": found[1]}
        return str(value)
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, bool):
        return {"b": value}
    if isinstance(value, decimal.Decimal):
        return field_value(None, value)
    if isinstance(value, list | tuple):
        return {"l": [_encode(v) for v in value]}
    if isinstance(value, int | float | str) or value is None:
        return value
    return object_name(value)


def _decode(value: Any) -> str:
    if isinstance(value, dict):
        if "_" in value:
            return pgettext(value["c"], value["_"]) if value.get("c") else gettext(value["_"])
        if "dt" in value:
            parsed = parse_datetime(value["dt"])
            return local_minute(parsed) if parsed else str(value["dt"])
        if "d" in value:
            return str(value["d"])
        if "b" in value:
            return yes_no(bool(value["b"]))
        if "m" in value:
            return render_msg(value["m"])
        if "zh" in value:
            return value["en"] if (translation.get_language() or "").startswith("en") else value["zh"]
        if "l" in value:
            return gettext("、").join(_decode(v) for v in value["l"])
    if value is None:
        return EMPTY
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def render_msg(stored: dict[str, Any]) -> str:
    template = gettext(stored["t"])
    params = {k: _decode(v) for k, v in (stored.get("p") or {}).items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return stored["t"].format(**params)


# --- event kinds -------------------------------------------------------------------------------

VERBS: dict[str, str | Promise] = {}
Renderer = Callable[[Any], str | None]
RENDERERS: list[tuple[re.Pattern[str], Renderer]] = []


def register_verb(verb: str, label: str | Promise) -> None:
    VERBS[verb] = label


def register_verbs(pairs: Iterable[tuple[str, str | Promise]]) -> None:
    for verb, label in pairs:
        register_verb(verb, label)


def register_renderer(pattern: str, renderer: Renderer) -> None:
    """``renderer(event)`` returns the summary in the active language, or None to fall back."""
    RENDERERS.append((re.compile(pattern), renderer))


_WORKFLOWS_RENDERED: set[str] = set()


def name_workflow(wf: Any) -> None:
    """Name a workflow's timeline events (``<name>.<state>``) and render them per reader; called by
    ``core.workflow`` for every workflow (registered in ``AuditConfig.ready``)."""
    if wf.name not in _WORKFLOWS_RENDERED:
        _WORKFLOWS_RENDERED.add(wf.name)
        register_renderer(rf"{wf.name}\.[a-z_]+", render_transition)
    register_verbs(wf.verbs())


_discovered = False


def discover() -> None:
    """Import every app's services and workflows once, so all event kinds are registered."""
    global _discovered
    if not _discovered:
        import anjian.audit.verbs  # noqa: F401

        autodiscover_modules("services", "workflow")
        _discovered = True


def verb_label(verb: str) -> str:
    discover()
    label = VERBS.get(verb)
    if label is None:
        return verb  # an unregistered event kind shows as itself (tests/core/test_readable.py catches it)
    return gettext(label) if isinstance(label, str) else str(label)


def event_summary(event: Any) -> str:
    """The event's summary in the active language."""
    discover()
    for pattern, renderer in RENDERERS:
        if pattern.fullmatch(event.verb):
            text = renderer(event)
            if text:
                return text
    if getattr(event, "message", None):
        return render_msg(event.message)
    return event.summary

