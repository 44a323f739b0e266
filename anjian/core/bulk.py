"""Set-based writes for the import paths (issue 22, "import at the database's speed").

``insert_new`` adds many new rows of a model without reading their ids back: on PostgreSQL one
``COPY … FROM STDIN`` (psycopg 3) instead of Django's insert compiler building a multi-row
``INSERT`` per 500 instances; elsewhere (SQLite) ``bulk_create``. Like ``bulk_create`` it sends
no signals and calls no ``save()``: the caller is a service that writes its own audit records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connections, router
from django.db.models import AutoField, BigAutoField, Model, SmallAutoField

__all__ = ["insert_new"]

_AUTO = (AutoField, BigAutoField, SmallAutoField)


def insert_new(model: type[Model], objs: Sequence[Model] | Iterable[Model], *, batch_size: int = 500) -> int:
    """Insert ``objs`` (new instances of ``model``, primary key unset when it is automatic) and
    return how many. The instances' ``pk`` is *not* set (use ``bulk_create`` when the ids are
    needed). Values go through each field's ``pre_save`` and ``get_db_prep_save``, as
    ``bulk_create`` does, so defaults, ``auto_now_add`` and JSON behave the same."""
    objs = list(objs)
    if not objs:
        return 0
    using = router.db_for_write(model)
    connection = connections[using]
    if connection.vendor != "postgresql":
        model._default_manager.db_manager(using).bulk_create(objs, batch_size=batch_size)
        return len(objs)
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not (f.primary_key and isinstance(f, _AUTO))]
    qn = connection.ops.quote_name
    names = ", ".join(qn(str(f.column)) for f in fields)
    # Table and column names come from model metadata; the values travel in COPY's data stream.
    with connection.cursor() as cur, cur.cursor.copy(f"COPY {qn(opts.db_table)} ({names}) FROM STDIN") as copy:  # psycopg 3
        for obj in objs:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
    return len(objs)
