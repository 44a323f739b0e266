"""Statistics rollups (issue 22): the parts shared by the hazard rollup (``anjian.hazards.rollup``)
and the accident rollup (``anjian.accidents.rollup``).

A rollup table holds grouped counts under *rolled-up* keys: a record's territory as its street
(its deepest jurisdiction at a level ≤ street; the accidents roll up to the district) and its sector as its GB/T 4754 division (its
deepest sector at depth ≤ 2). A scope whose territory is at street level or above and whose sector
set is a union of whole divisions selects exactly the same records through the rolled-up keys as
through the raw ones, so ``anjian.core.scoping`` applies to the rollup unchanged (its key columns
carry the record's field names). Here:

* ``key_maps`` (raw id → rolled-up id) and its ``fingerprint`` (a refresh records it: a reader
  that sees the territory or sector tree changed since falls back to live figures);
* ``grants_covered``: whether a user's grants for an action are all such scopes;
* ``insert_rolled_up``: one ``INSERT … SELECT`` of the ORM's grouped query joined to the maps;
* ``rebuild``: a whole refresh in one consistent snapshot (the hot set, the rows, the state), and
  ``RollupState``, the abstract model of a rollup's last refresh;
* the registry of rollups that the hourly job and ``anjian rollup-statistics`` refresh.

Core imports no app: the models are looked up by name (``docs/architecture.md``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.scoping import grants_of

DISTRICT, STREET = 2, 3  # orgs.JurisdictionLevel (core imports no app; tests/accidents/test_rollup.py checks)
SECTOR_DEPTH = 2  # section (门类) = 1, division (大类) = 2


@dataclass
class KeyMaps:
    jur: dict[int, int] = field(default_factory=dict)  # raw jurisdiction id → rolled-up id
    jur_level: dict[str, int] = field(default_factory=dict)  # path → level
    sector: dict[int, int] = field(default_factory=dict)  # raw sector id → rolled-up id

    def fingerprint(self) -> str:
        """A digest of the two maps: equal iff every record rolls up to the same keys."""
        text = repr((sorted((k, v) for k, v in self.jur.items() if k != v),
                     sorted((k, v) for k, v in self.sector.items() if k != v)))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def sector_map() -> dict[int, int]:
    """Raw sector id → its division (or the sector itself at depth ≤ 2)."""
    rows = list(apps.get_model("orgs", "Sector").objects.values_list("id", "path"))
    by_path = {path: pk for pk, path in rows}
    out: dict[int, int] = {}
    for pk, path in rows:
        segs = path.strip("/").split("/")
        prefix = "/" + "/".join(segs[:SECTOR_DEPTH]) + "/"
        out[pk] = by_path.get(prefix, pk) if len(segs) > SECTOR_DEPTH else pk
    return out


def key_maps(level: int = STREET) -> KeyMaps:
    """The maps to the territory key at ``level`` (the street; the accidents' is the district)
    and to the division."""
    maps = KeyMaps()
    rows = list(apps.get_model("orgs", "Jurisdiction").objects.values_list("id", "path", "level"))
    by_path = {path: (pk, level) for pk, path, level in rows}
    maps.jur_level = {path: level for _pk, path, level in rows}
    for pk, path, _level in rows:
        segs = path.strip("/").split("/")
        key = pk
        for k in range(len(segs), 0, -1):
            node = by_path.get("/" + "/".join(segs[:k]) + "/")
            if node is not None and node[1] <= level:
                key = node[0]
                break
        maps.jur[pk] = key
    maps.sector = sector_map()
    return maps


def sectors_closed(ids: Iterable[int], sectors: dict[int, int]) -> bool:
    """Whether a sector id set selects the same records through the division key: every sector
    is in the set iff its division is."""
    s = set(ids)
    return all((pk in s) == (key in s) for pk, key in sectors.items())


def levels_of(paths: Iterable[str | None]) -> dict[str, int]:
    wanted = {p for p in paths if p}
    if not wanted:
        return {}
    return dict(apps.get_model("orgs", "Jurisdiction").objects.filter(path__in=wanted).values_list("path", "level"))


def territory_ok(path: str | None, levels: dict[str, int], level: int = STREET) -> bool:
    """A territory (``None``: none) the key at ``level`` answers: at that level or above."""
    return path is None or levels.get(path, level + 9) <= level


def grants_covered(user: Any, action: str, sectors: dict[int, int], level: int = STREET) -> bool:
    """Whether every grant of ``user`` for ``action`` is a scope the rolled-up keys answer exactly:
    a territory at ``level`` or above, a department whose sectors are whole divisions; not an
    enterprise's, not rows the user created only (those are answered live)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    allowed = [g for g in grants_of(user) if g.allows(action)]
    if not allowed:
        return False
    levels = levels_of([p for g in allowed for p in (g.jurisdiction_path, g.department_path)])
    for g in allowed:
        if g.enterprise_id is not None:
            return False
        if g.jurisdiction_path is None and g.department_id is None:
            return False  # only the rows the user created
        if not (territory_ok(g.jurisdiction_path, levels, level) and territory_ok(g.department_path, levels, level)):
            return False
        if g.department_id is not None and not sectors_closed(g.sector_ids, sectors):
            return False
    return True


@dataclass(frozen=True)
class Column:
    """One column of a rollup table filled from the grouped query: ``source`` is the grouped
    query's column (a ``values()`` field or an annotation); ``key`` maps it through the
    jurisdiction (``"jur"``) or sector (``"sector"``) map; a measure (``sum``) is added up."""

    name: str
    source: str
    key: str | None = None
    sum: bool = False


def insert_rolled_up(model: type[Model], grouped: QuerySet[Any], maps: KeyMaps, columns: Sequence[Column]) -> int:
    """Replace the rollup's rows in one ``INSERT … SELECT``: the records grouped by their raw keys
    (the ORM's SQL, portable), joined to two temporary maps raw id → street / division and grouped
    again. Nothing passes through Python (500,000 hazards: 27 s row by row, see the benchmarks)."""
    model._default_manager.all().delete()
    inner, params = grouped.query.sql_with_params()
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    alias = {"jur": "j", "sector": "s"}
    exprs = []
    for c in columns:
        src = f"g.{qn(c.source)}"
        if c.sum:
            exprs.append(f"SUM({src})")
        elif c.key:
            exprs.append(f"COALESCE({alias[c.key]}.key_id, {src})")
        else:
            exprs.append(src)
    group_by = [e for e, c in zip(exprs, columns, strict=True) if not c.sum]
    with connection.cursor() as cur:
        for name, mapping in (("anjian_rollup_jur", maps.jur), ("anjian_rollup_sector", maps.sector)):
            cur.execute(f"DROP TABLE IF EXISTS {name}")
            cur.execute(f"CREATE TEMPORARY TABLE {name} (raw_id bigint PRIMARY KEY, key_id bigint NOT NULL)")
            pairs = [(k, v) for k, v in mapping.items() if k != v]
            for i in range(0, len(pairs), 500):
                chunk = pairs[i:i + 500]
                cur.execute(f"INSERT INTO {name} (raw_id, key_id) VALUES "  # noqa: S608  (fixed names, values as parameters)
                            + ", ".join(["(%s, %s)"] * len(chunk)), [x for pair in chunk for x in pair])
        joins = []
        for key, a, name in (("jur", "j", "anjian_rollup_jur"), ("sector", "s", "anjian_rollup_sector")):
            keyed = [c.source for c in columns if c.key == key]
            if keyed:
                joins.append(f"LEFT JOIN {name} {a} ON {a}.raw_id = g.{qn(keyed[0])}")
        cur.execute(
            f"INSERT INTO {table} ({', '.join(qn(c.name) for c in columns)}) "  # noqa: S608  (the ORM's SQL with its parameters)
            f"SELECT {', '.join(exprs)} FROM ({inner}) g {' '.join(joins)} GROUP BY {', '.join(group_by)}",
            params,
        )
        rows = cur.rowcount
        for name in ("anjian_rollup_jur", "anjian_rollup_sector"):
            cur.execute(f"DROP TABLE {name}")
    return int(rows)


class RollupState(models.Model):
    """The last refresh of a rollup table (one row, ``pk=1``), written by ``rebuild``."""

    refreshed_at = models.DateTimeField(_("汇总时间"))
    since = models.DateTimeField(_("变动起算时间"))
    rows = models.PositiveIntegerField(_("汇总行数"), default=0)
    seconds = models.FloatField(_("用时(秒)"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.refreshed_at:%Y-%m-%d %H:%M}"


HOT_BATCH = 5000


def margin() -> dt.timedelta:
    """How far back a refresh treats records as still changing (``HAZARD_ROLLUP_MARGIN_MINUTES``,
    default 15): they are counted live, so a write that commits during the refresh is not lost."""
    return dt.timedelta(minutes=int(getattr(settings, "HAZARD_ROLLUP_MARGIN_MINUTES", 15)))


def rebuild(
    *, state: type[RollupState], hot: type[Model], hot_field: str,
    changed: Callable[[dt.datetime], Iterable[int]], fill: Callable[[dt.datetime, QuerySet[Any]], dict[str, Any]],
) -> dict[str, Any]:
    """Refresh a rollup in one transaction and, on PostgreSQL, one snapshot (REPEATABLE READ when
    this is the outermost transaction), so that the hot set and the grouped rows see the same
    records: the records ``changed(since)`` (``since`` = now − ``margin()``) are written to ``hot``
    (one ``hot_field`` per record) and left out of the rows; ``fill(now, hot_ids)`` writes the
    rows (``insert_rolled_up``) and returns the state's fields, at least ``rows``; the state row
    records the refresh. Returns rows, hot and seconds for the job page. Idempotent."""
    started = time.perf_counter()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        now = timezone.now()
        since = now - margin()
        hot._default_manager.all().delete()
        ids = sorted(set(changed(since)))
        hot._default_manager.bulk_create([hot(**{hot_field: pk}) for pk in ids], batch_size=HOT_BATCH)
        fields = fill(now, hot._default_manager.values(hot_field))
        seconds = round(time.perf_counter() - started, 2)
        state._default_manager.update_or_create(
            pk=1, defaults={**fields, "refreshed_at": now, "since": since, "seconds": seconds})
    return {"rows": fields["rows"], "hot": len(ids), "seconds": seconds}


def tree_unchanged(since: Any, fingerprint: str, level: int = STREET) -> bool:
    """Whether records still roll up to the keys of a refresh that recorded ``fingerprint``: no
    jurisdiction or sector written since ``since`` (their history's date index: one cheap query
    each), or the maps rebuilt now give the same fingerprint."""
    changed = any(apps.get_model("orgs", name).history.filter(history_date__gt=since).exists()
                  for name in ("Jurisdiction", "Sector"))
    return not changed or key_maps(level).fingerprint() == fingerprint


# ---------------------------------------------------------------------------------------------
# The rollups the hourly job and ``anjian rollup-statistics`` refresh
# ---------------------------------------------------------------------------------------------

Refresh = Callable[[], dict[str, Any]]
ROLLUPS: dict[str, Refresh] = {}


def register_rollup(code: str, refresh: Refresh) -> None:
    """A rollup refreshed with the others (an app's ``AppConfig.ready``)."""
    ROLLUPS[code] = refresh


def refresh_all(first: tuple[str, Refresh] | None = None) -> dict[str, dict[str, Any]]:
    """Refresh every registered rollup (``first`` before the others), each in its own
    transaction; returns each one's figures by code."""
    todo = dict([first]) if first else {}
    todo.update({k: v for k, v in ROLLUPS.items() if k not in todo})
    return {code: refresh() for code, refresh in todo.items()}
