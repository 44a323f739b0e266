"""Bounded API input: every value the API accepts is checked by the schema against the limits the
database has, so bad input is a 422 with a message and never reaches the database as a 500.

* ``In`` — base for request bodies and query schemas. When the class names its model
  (``db_model = Enterprise``), each ``str`` field takes the model field's ``max_length``, each
  ``int`` the column's range, each ``Decimal`` its digits; fields that the model does not have get
  the generic limits (text ≤ ``TEXT_MAX`` characters, a ``…_code`` ≤ ``CODE_MAX``, integers within a signed 64-bit column).
  Floats must be finite. No string anywhere in the body may contain a NUL character
  (PostgreSQL refuses it), JSON nested deeper than ``MAX_DEPTH`` is refused, and ``null`` is
  refused for a field whose column cannot be NULL (a PATCH omits a field to leave it alone).
* Dates and times, in a body or a query, lie between ``DATE_MIN`` and ``DATE_MAX``: a shift that
  ends on 9999-12-31 cannot be shown in Beijing time (it overflows), and no record of a
  supervision office is dated before 1900 or after 2199.
* ``Limit``, ``Id``, ``Year``, ``Month``, ``Param``, ``Day``, ``When`` — annotated types for query
  and path parameters.
"""

from __future__ import annotations

import datetime as dt
import types
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

from annotated_types import Ge, Le, MaxLen
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from ninja import Schema
from pydantic import AfterValidator, Field, model_validator
from pydantic.fields import FieldInfo

INT32 = 2**31 - 1
INT64 = 2**63 - 1
TEXT_MAX = 10_000
CODE_MAX = 64
LIST_MAX = 1_000
MAX_DEPTH = 20

Limit = Annotated[int, Field(ge=1, le=1000, description="1–1000")]
Id = Annotated[int, Field(ge=1, le=INT64)]
Year = Annotated[int, Field(ge=1949, le=2100, description="1949–2100")]
Month = Annotated[int, Field(ge=1, le=12)]
Level = Annotated[int, Field(ge=0, le=9)]
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)


def _sane_date(value: dt.date | None) -> dt.date | None:
    if value is None:  # an optional date given as null (the validator sits on the whole field)
        return value
    day = value.date() if isinstance(value, dt.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValueError(f"a date between {DATE_MIN} and {DATE_MAX} / 日期须在 {DATE_MIN} 至 {DATE_MAX} 之间")
    return value


Day = Annotated[dt.date, AfterValidator(_sane_date)]
When = Annotated[dt.datetime, AfterValidator(_sane_date)]


def _int_range(field: models.Field[Any, Any]) -> tuple[int, int]:
    if isinstance(field, models.PositiveSmallIntegerField):
        return 0, 32767
    if isinstance(field, models.PositiveBigIntegerField):
        return 0, INT64
    if isinstance(field, models.PositiveIntegerField):
        return 0, INT32
    if isinstance(field, models.SmallIntegerField):
        return -32768, 32767
    if isinstance(field, (models.BigIntegerField, models.ForeignKey, models.BigAutoField)):
        return -INT64, INT64
    return -INT32 - 1, INT32


def _base(annotation: Any) -> tuple[Any, bool]:
    """(the type under ``X | None``, whether None is allowed)."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
        return annotation, type(None) in get_args(annotation)
    return annotation, False


def _has(meta: list[Any], kind: type) -> bool:
    return any(isinstance(m, kind) for m in meta)


def _bound(name: str, info: FieldInfo, model_field: models.Field[Any, Any] | None) -> None:
    base, _nullable = _base(info.annotation)
    meta = info.metadata
    if base is str:
        if not _has(meta, MaxLen):
            limit = getattr(model_field, "max_length", None) or (CODE_MAX if name.endswith("_code") else TEXT_MAX)
            meta.append(MaxLen(limit))
    elif base is int:
        if not _has(meta, Ge) and not any(hasattr(m, "ge") or hasattr(m, "gt") for m in meta):
            low, high = _int_range(model_field) if isinstance(model_field, models.Field) else (-INT64, INT64)
            meta.append(Ge(low))
            meta.append(Le(high))
    elif base is float:
        meta.extend(Field(allow_inf_nan=False).metadata)
    elif base is Decimal:
        meta.extend(Field(allow_inf_nan=False).metadata)
        if isinstance(model_field, models.DecimalField):
            meta.extend(Field(max_digits=model_field.max_digits, decimal_places=model_field.decimal_places).metadata)
    elif base in (dt.date, dt.datetime):
        meta.append(AfterValidator(_sane_date))
    elif get_origin(base) is list and not _has(meta, MaxLen):
        meta.append(MaxLen(LIST_MAX))


def _check_value(value: Any) -> None:
    """No NUL in any string, no nesting deeper than ``MAX_DEPTH`` (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValueError(f"nested deeper than {MAX_DEPTH} levels / 嵌套超过 {MAX_DEPTH} 层")
        if isinstance(item, str):
            if "\x00" in item:
                raise ValueError("text contains a NUL character / 文本含有空字符")
        elif isinstance(item, dict):
            stack.extend((k, depth + 1) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend((v, depth + 1) for v in item)


class In(Schema):
    """Base of every API input schema (see the module docstring)."""

    db_model: ClassVar[type[models.Model] | None] = None
    db_fields: ClassVar[dict[str, str]] = {}  # schema field → model field where the names differ
    not_null_fields: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        not_null: set[str] = set()
        for name, info in cls.model_fields.items():
            model_field = None
            if cls.db_model is not None:
                try:
                    model_field = cls.db_model._meta.get_field(cls.db_fields.get(name, name))
                except FieldDoesNotExist:  # a schema field the model does not have
                    model_field = None
            _bound(name, info, model_field if isinstance(model_field, models.Field) else None)
            _base_type, nullable = _base(info.annotation)
            if nullable and isinstance(model_field, models.Field) and not model_field.null:
                not_null.add(name)
        cls.not_null_fields = frozenset(not_null)
        cls.model_rebuild(force=True)

    @model_validator(mode="before")
    @classmethod
    def _clean_input(cls, data: Any) -> Any:
        raw = getattr(data, "_obj", data)  # ninja hands the dict over wrapped in a DjangoGetter
        _check_value(raw)
        if isinstance(raw, dict):
            for name in cls.not_null_fields:
                if name in raw and raw[name] is None:
                    raise ValueError(f"{name} may not be null (omit it to leave it unchanged) / {name} 不能为空值")
        return data


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text contains a NUL character / 文本含有空字符")
    return value


Param = Annotated[str, Field(max_length=200), AfterValidator(_no_nul)]
"""A short text query parameter (search words, codes, buckets)."""


def json_depth(value: Any, stop: int) -> int:
    """How deeply ``value`` (parsed JSON) nests, counted without recursion; stops counting once
    past ``stop`` (so a hostile file costs no more than a legal one)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > stop:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest
