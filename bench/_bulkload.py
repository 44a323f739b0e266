"""Bulk loading for the benchmarks: PostgreSQL ``COPY … FROM STDIN`` (text format) or SQLite
``executemany``. Not the ORM per row, and no history rows or timeline events: the benchmarks
that use it build scratch databases only.

``bulk_load(model, fields, rows)`` writes ``rows`` (tuples of Python values in the order of
``fields``, attribute names such as ``jurisdiction_id``); every other concrete column except the
primary key gets the field's default (evaluated once)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models


def _columns(model: type[models.Model], fields: Sequence[str]) -> tuple[list[str], list[Any]]:
    """The columns to write (given ones first) and the default values of the others."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    missing = [name for name in fields if name not in by_attname]
    if missing:
        raise ValueError(f"{model.__name__} has no fields {missing}")
    columns = [by_attname[name].column for name in fields]
    defaults: list[Any] = []
    for f in model._meta.concrete_fields:
        if f.attname in fields or f.primary_key:
            continue
        value = f.get_default()
        if value is None and not f.null:
            raise ValueError(f"{model.__name__}.{f.attname} needs a value (no default, not null)")
        columns.append(f.column)
        defaults.append(value)
    return columns, defaults


def _text(value: Any) -> str:
    """One value in PostgreSQL COPY text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    elif isinstance(value, (int, float, Decimal)):
        return str(value)
    s = str(value)
    if "\\" in s or "\t" in s or "\n" in s or "\r" in s:
        s = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return s


def _sqlite(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def bulk_load(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]], *,
              chunk: int = 50_000) -> int:
    """Write ``rows`` into ``model``'s table; returns the number of rows written."""
    columns, defaults = _columns(model, fields)
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    n = 0
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        tail = "\t" + "\t".join(_text(v) for v in defaults) if defaults else ""
        with connection.cursor() as cur:
            raw = cur.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                buf: list[str] = []
                for row in rows:
                    buf.append("\t".join(_text(v) for v in row) + tail + "\n")
                    n += 1
                    if len(buf) >= chunk:
                        copy.write("".join(buf))
                        buf.clear()
                if buf:
                    copy.write("".join(buf))
        return n
    marks = ", ".join(["%s"] * len(columns))
    extra = tuple(_sqlite(v) for v in defaults)
    sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"
    with connection.cursor() as cur:
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(tuple(_sqlite(v) for v in row) + extra)
            if len(batch) >= chunk:
                cur.executemany(sql, batch)
                n += len(batch)
                batch.clear()
        if batch:
            cur.executemany(sql, batch)
            n += len(batch)
    return n


def recreate_postgres(url: str, *, drop_only: bool = False, keep: bool = False) -> None:
    """Drop (and recreate) the scratch database named in ``url``; ``keep``: create it only if missing."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if keep:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
            return
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')
