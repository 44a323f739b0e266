"""Indexes for searching enterprises as one types (``core.lookups.prefix_match``).

On PostgreSQL, B-tree indexes on ``name`` and ``credit_code`` under the "C" collation answer
``col COLLATE "C" LIKE 'q%' ORDER BY col COLLATE "C" LIMIT 21`` by reading about 21 index
entries, whatever the database's own collation (measured in docs/benchmarks.md). SQLite (tests,
the embedded demo) has no such collation and needs none: nothing is done there."""

from django.db import migrations

INDEXES = [
    ("ent_name_c", "name"),
    ("ent_credit_c", "credit_code"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON enterprises_enterprise (({column} COLLATE "C"))'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_change_request")]

    operations = [migrations.RunPython(create, drop)]
