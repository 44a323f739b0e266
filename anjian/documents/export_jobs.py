"""Exports that finish at any size (issue 22): a list export above ``EXPORT_IMMEDIATE_MAX_ROWS``
rows runs as a job that writes the file, which its owner downloads from "我的导出" until it
expires (``EXPORT_RETENTION_DAYS``). Smaller ones stay immediate (``exports.csv_response``).

An app registers what its list exports with ``register_export(ExportSpec(...))``: the list's own
selector and filter form (``rows``), so an export holds exactly the rows the list shows its user,
and the columns. The job writes

* CSV on PostgreSQL with ``COPY (query) TO STDOUT`` when the spec gives ``copy_values`` — the
  same columns computed in SQL (local times, labels, 是/否, the formula guard), streamed to the
  file in chunks;
* CSV elsewhere (SQLite) from the rows iterated in chunks (``iter_csv``);
* xlsx with xlsxwriter in constant-memory mode (``write_xlsx``).

Memory stays flat on every path. See docs/mechanisms/import-export.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import connection, models, transaction
from django.db.models import Case, CharField, F, Func, QuerySet, Value, When
from django.db.models.functions import NullIf
from django.http import Http404, QueryDict
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, gettext_noop

from anjian.audit.display import Msg, register_verbs
from anjian.audit.services import record_event
from anjian.core.errors import DomainError
from anjian.core.scoping import has_action
from anjian.documents.exports import FORMULA_STARTS, Column, iter_csv, write_xlsx
from anjian.jobs.models import Job
from anjian.jobs.registry import job_handler
from anjian.jobs.services import Progress, job_start

FORMATS = ("csv", "xlsx")

register_verbs([("export.started", gettext_lazy("开始导出")), ("export.expired", gettext_lazy("导出文件过期删除"))])
JOB_KIND = "documents.export"


@dataclass(frozen=True)
class ExportSpec:
    """What one list exports.

    ``rows(user, params)`` is the list page's selector with its filter form bound to ``params``
    (the page's query string as a dict of lists); ``columns()`` the columns (headers in the active
    language). ``copy_values(qs)`` (optional) turns the same queryset into ``values_list`` of SQL
    expressions giving, column by column, the text the CSV writer would write — used for
    ``COPY`` on PostgreSQL; build it with ``guarded``, ``sql_moment``, ``sql_choice``, ``sql_yes_no``.
    """

    kind: str
    label: str | Promise
    action: str
    rows: Callable[[Any, Mapping[str, list[str]]], QuerySet]
    columns: Callable[[], Sequence[Column]]
    order_by: tuple[str, ...] = ("-id",)
    copy_values: Callable[[QuerySet], QuerySet] | None = None
    # the list's filter form (``form(data, user=…)``): the API refuses filters it refuses
    form: type | None = None


EXPORTS: dict[str, ExportSpec] = {}


def register_export(spec: ExportSpec) -> ExportSpec:
    EXPORTS[spec.kind] = spec
    return spec


# --- SQL versions of the CSV cell rules (exports._cell), for COPY -----------------------------


class _Guard(Func):
    """``CASE WHEN left(x, 1) IN (…) THEN '''' || x ELSE x END`` with empty text as NULL."""

    output_field = CharField()

    def __init__(self, expression: Any) -> None:
        super().__init__(expression)

    def as_sql(self, compiler: Any, conn: Any, **extra: Any) -> tuple[str, list[Any]]:
        inner, params = compiler.compile(self.source_expressions[0])
        starts = ", ".join(["%s"] * len(FORMULA_STARTS))
        sql = (f"NULLIF(CASE WHEN LEFT(({inner}), 1) IN ({starts}) THEN '''' || ({inner}) "
               f"ELSE ({inner}) END, '')")
        return sql, [*params, *FORMULA_STARTS, *params, *params]


def guarded(expr: Any) -> Any:
    """Text as the CSV writer writes it: empty text as an empty field (NULL: PostgreSQL's CSV
    would quote an empty string) and text starting with ``= + - @``, a TAB or a CR guarded by a
    leading ``'`` (formula injection, ``exports._cell``)."""
    return _Guard(F(expr) if isinstance(expr, str) else expr)


class _LocalFormat(Func):
    """A timestamp in the site's time zone as text (PostgreSQL ``to_char``)."""

    output_field = CharField()

    def __init__(self, expression: Any, pattern: str) -> None:
        super().__init__(expression)
        self.pattern = pattern

    def as_sql(self, compiler: Any, conn: Any, **extra: Any) -> tuple[str, list[Any]]:
        inner, params = compiler.compile(self.source_expressions[0])
        return f"to_char(({inner}) AT TIME ZONE %s, %s)", [*params, settings.TIME_ZONE, self.pattern]


def sql_moment(field: str) -> Any:
    """A datetime as ``YYYY-MM-DD HH:MM`` local time (``exports._cell``)."""
    return _LocalFormat(F(field), "YYYY-MM-DD HH24:MI")


def sql_local(field: str, pattern: str) -> Any:
    return _LocalFormat(F(field), pattern)


def sql_choice(field: str, choices: Iterable[tuple[Any, Any]]) -> Any:
    """A choice field's label in the active language (``get_FOO_display``)."""
    whens = [When(**{field: value}, then=Value(str(label))) for value, label in choices]
    return NullIf(Case(*whens, default=F(field), output_field=CharField()), Value(""))


def sql_yes_no(condition: models.Q) -> Any:
    return Case(When(condition, then=Value("是")), default=Value("否"), output_field=CharField())


def sql_padded_id(width: int = 6) -> Any:
    """``f"{pk:06d}"``: the id padded with zeros, never cut."""
    return _PaddedId(F("id"), width)


class _PaddedId(Func):
    output_field = CharField()

    def __init__(self, expression: Any, width: int) -> None:
        super().__init__(expression)
        self.width = width

    def as_sql(self, compiler: Any, conn: Any, **extra: Any) -> tuple[str, list[Any]]:
        inner, params = compiler.compile(self.source_expressions[0])
        w = int(self.width)
        return (f"CASE WHEN ({inner}) < {10 ** w} THEN lpad(({inner})::text, {w}, '0') ELSE ({inner})::text END",
                [*params, *params, *params])


# --- starting -------------------------------------------------------------------------------


def export_params(query: QueryDict | Mapping[str, Any]) -> dict[str, list[str]]:
    """The list's query string as a JSON-able dict of lists (the paging keys left out)."""
    if isinstance(query, QueryDict):
        items = {k: query.getlist(k) for k in query}
    else:
        items = {k: (list(v) if isinstance(v, list | tuple) else [str(v)]) for k, v in query.items() if v is not None}
    return {k: [str(x) for x in v] for k, v in items.items() if k not in ("after", "before", "format")}


def as_querydict(params: Mapping[str, list[str]]) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, values in params.items():
        q.setlist(key, list(values))
    return q


def _spec(kind: str) -> ExportSpec:
    spec = EXPORTS.get(kind)
    if spec is None:
        raise DomainError(f"没有可导出的清单“{kind}”", f"There is no list “{kind}” to export", field="kind")
    return spec


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise DomainError("导出格式只能是 CSV 或 Excel（xlsx）", "The export format must be csv or xlsx", field="format")
    return fmt


def export_filename(spec: ExportSpec, fmt: str) -> str:
    return f"{spec.label}-{timezone.localtime():%Y%m%d%H%M}.{fmt}"


def export_start(
    *, actor: Any, kind: str, fmt: str, query: QueryDict | Mapping[str, Any], rows: int | None = None,
    strict: bool = False,
) -> Job:
    """Start the export of ``kind`` (the list filtered by ``query``, as ``actor`` sees it) as a
    job. The file is written by the worker; ``actor`` alone may download it until it expires.
    ``strict`` (the API): filters the list's form refuses are an error, not ignored as the page
    ignores them."""
    spec, fmt = _spec(kind), _format(fmt)
    if not (has_action(actor, spec.action) and has_action(actor, "jobs.view")):
        raise DomainError("您无权导出该清单", "You may not export this list")
    filters = export_params(query)
    if strict and spec.form is not None:
        form = spec.form(as_querydict(filters), user=actor)
        if not form.is_valid():
            field, problems = next(iter(form.errors.items()))
            raise DomainError(f"筛选条件“{field}”有误：{problems[0]}", f"The filter “{field}” is invalid: {problems[0]}",
                              field=field)
    params = {"kind": kind, "format": fmt, "filters": filters,
              "language": translation.get_language() or settings.LANGUAGE_CODE, "rows": rows}
    name = export_filename(spec, fmt)
    with transaction.atomic():
        job = job_start(JOB_KIND, actor=actor, title=f"导出：{name} / Export: {name}", params=params)
        record_event(job, "export.started", actor=actor,
                     summary=Msg(gettext_noop("开始导出：{name}"), name=name),
                     data={"kind": kind, "format": fmt, "rows": rows})
    return job


def export_is_large(rows: int) -> bool:
    return rows > settings.EXPORT_IMMEDIATE_MAX_ROWS


# --- the job ---------------------------------------------------------------------------------


class _Counted:
    """Rows passed through with progress written (cheaply) as they go."""

    def __init__(self, rows: Iterable[Any], progress: Progress) -> None:
        self.rows, self.progress, self.n = rows, progress, 0

    def __iter__(self) -> Iterator[Any]:
        for row in self.rows:
            self.n += 1
            if self.n % 1000 == 0:
                self.progress.advance(self.n)
            yield row


def _copy_csv(spec: ExportSpec, qs: QuerySet, columns: Sequence[Column], out: Any) -> None:
    """``COPY (the list's query) TO STDOUT`` into ``out``: the header written first (with the
    BOM), then PostgreSQL's CSV as it arrives. No progress is written while the COPY streams: the
    connection is busy with it (a query on it would wait for the COPY, which waits for us), and it
    is short — about 2 s per 100,000 rows (bench/bench_export.py), far inside the watchdog's
    ``JOB_STALE_AFTER_S``."""
    assert spec.copy_values is not None
    sql, params = spec.copy_values(qs).query.sql_with_params()
    head = io.StringIO()
    csv.writer(head, lineterminator="\n").writerow([c.header for c in columns])
    out.write(("\ufeff" + head.getvalue()).encode("utf-8"))
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor
        statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, ENCODING 'UTF8')"
        with raw.copy(statement, params) as copy:
            for chunk in copy:
                out.write(chunk)


def _write(spec: ExportSpec, job: Job, progress: Progress, path: str) -> int:
    user = job.created_by
    params = job.params
    qs = spec.rows(user, as_querydict(params.get("filters") or {})).order_by(*spec.order_by)
    total = qs.count()
    progress.set_total(total, "导出中 / exporting")
    columns = spec.columns()
    fmt = params["format"]
    if fmt == "csv" and spec.copy_values is not None and connection.vendor == "postgresql":
        with open(path, "wb") as out:
            _copy_csv(spec, qs, columns, out)
        return total
    rows = _Counted(qs.iterator(chunk_size=2000), progress)
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as out:
            for line in iter_csv(rows, columns):
                out.write(line)
        return rows.n
    return write_xlsx(rows, columns, path, sheet=str(spec.label))


@job_handler(JOB_KIND, results={"rows": gettext_lazy("数据行数"), "bytes": gettext_lazy("文件大小(字节)")},
             private=True)
def export_job(job: Job, progress: Progress) -> dict[str, Any]:
    spec = _spec(job.params["kind"])
    fmt = _format(job.params["format"])
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        fd, path = tempfile.mkstemp(suffix=f".{fmt}", prefix="anjian-export-")
        os.close(fd)
        try:
            rows = _write(spec, job, progress, path)
            size = os.path.getsize(path)
            name = export_filename(spec, fmt)
            with open(path, "rb") as fh:
                job.result_file.save(name, File(fh), save=False)
        finally:
            os.unlink(path)
    expires = timezone.now() + dt.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name, expires_at=expires)
    return {"rows": rows, "bytes": size}


def export_list(*, user: Any) -> QuerySet[Job]:
    """The user's own export files, newest first (``我的导出``)."""
    return Job.objects.restrict(user, "jobs.view").filter(kind=JOB_KIND, created_by=user).order_by("-id")


def export_get(*, user: Any, pk: int) -> Job:
    """One of the user's own exports; anyone else's (whatever their rank) is a 404."""
    job = export_list(user=user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def export_file_name(job: Job) -> str:
    return job.result_file.name.rsplit("/", 1)[-1]


def exports_expire(*, now: dt.datetime | None = None) -> int:
    """Remove the files of exports past their expiry (the nightly job and ``anjian
    expire-exports``). The job row stays, marked expired on "我的导出"; returns the count."""
    now = now or timezone.now()
    removed = 0
    for job in Job.objects.filter(kind=JOB_KIND, expires_at__lte=now).exclude(result_file="").iterator():
        name = job.result_file.name
        job.result_file.storage.delete(name)
        with transaction.atomic():
            Job.objects.filter(pk=job.pk).update(result_file="")
            record_event(job, "export.expired", actor=None,
                         summary=Msg(gettext_noop("导出文件已过期删除：{name}"), name=name.rsplit("/", 1)[-1]))
        removed += 1
    return removed
