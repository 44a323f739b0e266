"""Excel/CSV import framework: column mapping, a dry run with every error of every row, the
person's choice (all or nothing, or the valid rows; create or update by key), chunked commits
through a staging table, undo, progress — for every import kind, on the page and as the
``anjian import`` command.

An app declares an ``ImportSpec`` subclass and registers it (``@register_import``). A file goes
through an ``ImportBatch`` (``documents.models``):

1. ``import_upload`` stores the upload, finds the header row and proposes a mapping of its
   columns to the spec's fields (``colmap.suggest_mapping``: labels, synonyms, closeness, a
   mapping saved for the source). Nothing is checked yet: the person sees the mapping and can
   change it; every column left unmapped is listed.
2. ``import_check`` (job phase ``check``, the dry run) reads every row with the confirmed
   mapping, validates it, collects *every* error of the row (a column in error is left out and
   the row validated again, until no further error), checks duplicates of the spec's
   ``key_field`` inside the file and against stored records in the same pass, stages each row
   (``ImportRow``: cells, problems, create or update with the field-by-field changes) and writes
   the error workbook (the error list, and the original rows with an error column, ready to fix
   and upload again).
3. ``import_store`` (job phase ``store``) commits the staged rows in chunks of
   ``spec.batch_size``, each in its own transaction (the database is never locked for long);
   all-or-nothing is kept by undoing the chunks already stored when a later one fails (specs
   that cannot undo are stored in one transaction, as before). ``partial`` stores the valid
   rows and leaves the rest in the error workbook.
4. ``import_undo`` removes the created records and restores the updated ones from their
   history, refused when anything else has touched them since.

``import_start`` (the original entry point) still runs check and store in one job, all or
nothing, with the automatic mapping. Called inside ``preview_imports()`` (the upload pages do
this) it creates the batch and returns it instead, so the page can show the mapping first.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, router, transaction
from django.db.models import Max, ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from anjian.audit.services import record_event
from anjian.core.bulk import insert_new
from anjian.core.errors import DomainError, NotAllowed
from anjian.core.scoping import has_action
from anjian.core.text import CellError, is_blank, normalise
from anjian.documents.colmap import suggest_mapping
from anjian.documents.models import ImportBatch, ImportBatchStatus, ImportMapping, ImportRow
from anjian.documents.tabular import Limits, TableError, header_key, read_table
from anjian.jobs.models import Job
from anjian.jobs.registry import job_handler
from anjian.jobs.services import JobRejected, Progress, job_start

log = logging.getLogger(__name__)

T = TypeVar("T")
D = TypeVar("D")


@dataclass
class RowProblem:
    row: int
    column: str
    value: Any
    zh: str
    en: str


class RowError(Exception):
    def __init__(self, column: str, zh: str, en: str, value: Any = None) -> None:
        super().__init__(f"{column}: {zh} / {en}")
        self.column, self.zh, self.en, self.value = column, zh, en, value


def read_cell(raw: Mapping[str, Any], key: str, column: str, parse: Callable[[Any], T], default: D = None) -> T | D:  # type: ignore[assignment]
    """One cell through a ``core.text`` parser: ``default`` when blank; a parser's ``CellError``
    becomes a ``RowError`` for ``column`` (the column's label) with its zh/en message."""
    value = raw.get(key)
    if is_blank(value):
        return default
    try:
        return parse(value)
    except CellError as exc:
        raise RowError(column, exc.zh, exc.en, value) from exc


def read_text(raw: Mapping[str, Any], key: str, column: str, *, limit: int | None = None, newlines: bool = False) -> str:
    """One text cell, normalised (``core.text.normalise``): ``""`` when blank; a whole-number float
    (Excel's ``123.0`` for a code typed as a number) is read as ``123``; longer than ``limit``
    characters is a ``RowError`` for ``column``."""
    value = raw.get(key)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalise(value, keep_newlines=newlines)  # once: blank is what normalises to ""
    if not text:
        return ""
    if limit is not None and len(text) > limit:
        raise RowError(column, f"超过 {limit} 个字符", f"longer than {limit} characters", value)
    return text


def import_columns(spec: type[ImportSpec]) -> list[tuple[str, bool, list[str]]]:
    """The column guide an upload page shows: (main header, required, other accepted headers)."""
    return [(labels[0], key in spec.required, list(labels[1:])) for key, labels in spec.headers.items()]


@dataclass
class Context:
    actor: Any
    params: dict[str, Any]
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass
class Change:
    """One field an update by key changes: the column's label, the stored and the new value
    (as text, for the preview)."""

    column: str
    old: str
    new: str


class ImportSpec:
    """Subclass and register with ``@register_import``.

    Required: ``kind``, ``label``, ``action``, ``headers`` (key → accepted labels, the first
    one shown), ``validate_row`` (or ``validate_batch``) and ``commit``.

    Optional (all with working defaults, so older specs keep working):

    - ``synonyms``: more labels per key, for the mapping only (not shown as "accepted").
    - ``required``: keys that must be mapped.
    - ``key_field``: the key of the cleaned data that identifies a record (the credit code):
      the framework reports duplicates inside the file and against ``existing`` in the dry run,
      and ``check_all`` is then not called (it would need every row in memory).
    - ``existing(keys, ctx)``: stored records by key; ``changes(obj, data, raw, ctx)``: what an
      update would change (``Change`` list; raise ``RowError`` to refuse); ``update(items, ctx)``:
      store updates, returning ``(object_id, before, stamp)`` per item. A spec with ``update``
      overridden offers update by key.
    - ``commit`` may return ``"ids"`` (the created records' ids, in the order of the rows); a
      spec that also overrides ``stamps`` and ``undo`` can be undone (and is stored in chunks).
    """

    kind: ClassVar[str]
    label: ClassVar[str]
    action: ClassVar[str]
    headers: ClassVar[Mapping[str, Sequence[str]]]  # key → accepted header labels
    synonyms: ClassVar[Mapping[str, Sequence[str]]] = {}
    required: ClassVar[frozenset[str]] = frozenset()
    batch_size: ClassVar[int] = 2000
    key_field: ClassVar[str | None] = None

    def prepare(self, ctx: Context) -> None:
        """Load lookup tables once (sectors, jurisdictions …)."""

    def validate_batch(
        self, rows: list[tuple[int, dict[str, Any]]], ctx: Context
    ) -> list[tuple[int, dict[str, Any]] | RowProblem]:
        """Clean a batch of raw rows. Return a cleaned row or a problem per row (default: per-row)."""
        out: list[tuple[int, dict[str, Any]] | RowProblem] = []
        for row_no, raw in rows:
            try:
                out.append((row_no, self.validate_row(row_no, raw, ctx)))
            except RowError as exc:
                out.append(RowProblem(row_no, exc.column, exc.value, exc.zh, exc.en))
        return out

    def validate_row(self, row_no: int, raw: dict[str, Any], ctx: Context) -> dict[str, Any]:
        raise NotImplementedError

    def check_all(self, rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> list[RowProblem]:
        """Whole-file checks (e.g. duplicates inside the file and against the database)."""
        return []

    def commit(
        self, rows: list[tuple[int, dict[str, Any]]], ctx: Context, progress: Progress
    ) -> dict[str, Any]:
        raise NotImplementedError

    # -- update by key and undo (optional) --

    def existing(self, keys: list[str], ctx: Context) -> dict[str, Any]:
        return {}

    def changes(self, obj: Any, data: dict[str, Any], raw: dict[str, Any], ctx: Context) -> list[Change]:
        return []

    def update(self, items: list[tuple[int, dict[str, Any], Any]], ctx: Context) -> list[tuple[str, dict[str, Any], str]]:
        raise NotImplementedError

    # -- confirmation before storing (optional) --

    override_key: ClassVar[str | None] = None  # a field the person may set per row in the preview

    def override_choices(self, ctx: Context) -> list[tuple[str, str]]:
        """The values the person may choose for ``override_key`` (value, label)."""
        return []

    def preview_rows(self, rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> dict[int, list[Change]]:
        """What the person should confirm for rows to be created (shown with the dry run, e.g.
        the accident type proposed from the narrative and the deaths of each event). Called
        with the valid rows of kinds without ``key_field``."""
        return {}

    def group_of(self, data: dict[str, Any]) -> str:
        """Rows that make one record (the victim rows of one accident, the grant rows of one
        user) return the same non-empty text: they are stored in the same chunk."""
        return ""

    def finish(self, ctx: Context, progress: Progress) -> None:
        """Called once after the last chunk is stored (e.g. the initial passwords workbook)."""

    def stamps(self, ids: list[str]) -> dict[str, str]:
        """The current version of each record (compared at undo: a record changed since is kept)."""
        raise NotImplementedError

    def undo(self, created: list[tuple[str, str]], updated: list[tuple[str, dict[str, Any], str]], ctx: Context) -> None:
        """Remove ``(id, stamp)`` created records and restore ``(id, before, stamp)`` updated ones;
        raise ``DomainError`` (nothing changed) when any of them was touched since."""
        raise NotImplementedError

    @classmethod
    def can_update(cls) -> bool:
        return cls.key_field is not None and cls.update is not ImportSpec.update

    @classmethod
    def can_undo(cls) -> bool:
        return cls.undo is not ImportSpec.undo and cls.stamps is not ImportSpec.stamps


IMPORTS: dict[str, type[ImportSpec]] = {}


def register_import(cls: type[ImportSpec]) -> type[ImportSpec]:
    IMPORTS[cls.kind] = cls
    return cls


@dataclass(frozen=True)
class FileImport:
    """An import of a whole file that is not a ledger of rows (a CAP alert): no column mapping, no
    dry run. ``receive(actor, data, filename)`` stores it through the app's service and returns
    the JSON summary the command prints (``{"stored": true, ...}``), or raises ``DomainError``
    with nothing stored. Registered by the app that owns it (above this one)."""

    kind: str
    label: str
    max_bytes_setting: str  # the setting that bounds the file (``CAP_MAX_BYTES``)
    receive: Callable[[Any, bytes, str], dict[str, Any]]

    @property
    def max_bytes(self) -> int:
        return int(getattr(settings, self.max_bytes_setting))


FILE_IMPORTS: dict[str, FileImport] = {}


def register_file_import(entry: FileImport) -> FileImport:
    FILE_IMPORTS[entry.kind] = entry
    return entry


def import_spec(kind: str) -> type[ImportSpec]:
    spec = IMPORTS.get(kind)
    if spec is None:
        raise DomainError(f"未知的导入类型 {kind}", f"Unknown import kind {kind}")
    return spec


def import_limits() -> Limits:
    """The ``tabular.Limits`` of the ``IMPORT_*`` settings."""
    return Limits(
        max_bytes=settings.IMPORT_MAX_BYTES,
        max_uncompressed=settings.IMPORT_MAX_UNCOMPRESSED,
        max_ratio=settings.IMPORT_MAX_RATIO,
        max_members=settings.IMPORT_MAX_MEMBERS,
        max_rows=settings.IMPORT_MAX_ROWS,
        max_cells=settings.IMPORT_MAX_CELLS,
    )


# --- values in the staging table (JSON) ---------------------------------------------------------


def encode_value(value: Any) -> Any:
    """A cell value as JSON (dates and times keep their type through the staging table)."""
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$t": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "$dt" in value:
            return dt.datetime.fromisoformat(value["$dt"])
        if "$d" in value:
            return dt.date.fromisoformat(value["$d"])
        if "$t" in value:
            return dt.time.fromisoformat(value["$t"])
    return value


def _decode_row(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {k: decode_value(v) for k, v in raw.items()}


# --- 1. upload and mapping ----------------------------------------------------------------------

_PREVIEW: contextvars.ContextVar[bool] = contextvars.ContextVar("import_preview", default=False)


@contextlib.contextmanager
def preview_imports() -> Iterator[None]:
    """Inside this block ``import_start`` returns an ``ImportBatch`` waiting for its mapping to
    be confirmed instead of starting the job (the upload pages call an app's start function so)."""
    token = _PREVIEW.set(True)
    try:
        yield
    finally:
        _PREVIEW.reset(token)


def _check_upload(spec: type[ImportSpec], actor: Any, upload: Any) -> str:
    if actor is not None and not has_action(actor, spec.action):
        raise NotAllowed("您无权执行该导入", "You may not run this import")
    name = os.path.basename(getattr(upload, "name", "") or "")
    if not name.lower().endswith((".xlsx", ".csv")):
        raise DomainError("仅支持 .xlsx 或 .csv 文件", "Only .xlsx or .csv files are accepted", field="file")
    size = getattr(upload, "size", None)
    limit = settings.IMPORT_MAX_BYTES
    if size is not None and size > limit:
        raise DomainError(
            f"文件太大（{size / 2**20:.1f} MB，上限 {limit / 2**20:.0f} MB），请分成几个文件导入",
            f"The file is too large ({size / 2**20:.1f} MB, at most {limit / 2**20:.0f} MB): split it",
            field="file",
        )
    return name


def _header_labels(spec: type[ImportSpec]) -> dict[str, list[str]]:
    """Accepted labels and synonyms per key, without a label claimed by two keys."""
    seen: set[str] = set()
    out: dict[str, list[str]] = {}
    for key, labels in spec.headers.items():
        out[key] = []
        for label in [*labels, *spec.synonyms.get(key, ())]:
            norm = header_key(label)
            if norm and norm not in seen:
                seen.add(norm)
                out[key].append(label)
        if not out[key]:
            out[key] = [key]
    return out


def _survey(batch: ImportBatch, spec: type[ImportSpec]) -> None:
    """Find the header row and the columns of the batch's file; propose the mapping."""
    with batch.file.open("rb") as fh:
        try:
            reader = read_table(fh, filename=batch.filename, known_headers=_header_labels(spec), limits=import_limits())
        except TableError as exc:
            raise DomainError(exc.zh, exc.en, field="file") from exc
        with reader:
            batch.sheet = reader.sheet_name or ""
            batch.header_row = reader.header_row
            samples: list[Sequence[object]] = []
            if reader.mapping:
                for _n, _values in reader:
                    samples.append(reader.current_row)
                    if len(samples) >= 3:
                        break
            batch.columns = [
                {"index": c.index, "letter": c.letter, "label": c.label,
                 "samples": [_sample(row[c.index]) for row in samples if c.index < len(row) and not is_blank(row[c.index])]}
                for c in reader.columns
            ]
    _suggest(batch, spec)


def _suggest(batch: ImportBatch, spec: type[ImportSpec]) -> None:
    """Propose the mapping: from the saved mapping of the batch's source, or of a source whose
    saved headers are exactly this file's, else from labels, synonyms and closeness."""
    saved = None
    mine = ImportMapping.objects.filter(kind=batch.kind, created_by=batch.created_by)
    if batch.options.get("source"):
        found = mine.filter(source=batch.options["source"]).first()
        saved = found.mapping if found else None
    else:
        labels = {header_key(c["label"]) for c in batch.columns}
        for found in mine.order_by("-updated_at")[:50]:
            if {header_key(label) for label in found.mapping} == labels:
                saved = found.mapping
                batch.options = {**batch.options, "source": found.source}
                break
    suggestions = suggest_mapping(
        [(c["index"], c["label"]) for c in batch.columns], spec.headers, spec.synonyms, saved
    )
    batch.mapping = {str(s.index): s.key for s in suggestions if s.key}
    batch.summary = {"suggested": {str(s.index): s.how for s in suggestions if s.key}}


def _sample(value: object) -> str:
    if isinstance(value, dt.datetime) and value.time() == dt.time.min:
        value = value.date()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise(value)[:40]


def import_upload(
    *, kind: str, actor: Any, upload: Any, params: dict[str, Any] | None = None, options: dict[str, Any] | None = None
) -> ImportBatch:
    """Store an upload as a batch waiting for its mapping (step 1). Refuses a wrong type, a
    file over the size limit, a file without a recognisable header row."""
    spec = import_spec(kind)
    name = _check_upload(spec, actor, upload)
    batch = ImportBatch(kind=kind, filename=name, created_by=actor if getattr(actor, "pk", None) else None,
                        options={"params": params or {}, **(options or {})})
    batch.file.save(name, File(upload, name=name), save=False)
    try:
        _survey(batch, spec)
    except DomainError:
        batch.file.delete(save=False)
        raise
    batch.save()
    return batch


def import_use_saved(*, actor: Any, batch: ImportBatch, source: str) -> ImportBatch:
    """Propose the batch's mapping again from the mapping saved for ``source``."""
    if batch.status not in (ImportBatchStatus.UPLOADED, ImportBatchStatus.CHECKED, ImportBatchStatus.FAILED):
        raise DomainError("该导入已在进行或已完成，不能再修改列对应", "This import is running or done: the mapping cannot change")
    if not ImportMapping.objects.filter(kind=batch.kind, created_by=batch.created_by, source=source).exists():
        raise DomainError("没有该来源保存的列对应", "No mapping is saved for that source")
    batch.options = {**batch.options, "source": source}
    _suggest(batch, import_spec(batch.kind))
    batch.status = ImportBatchStatus.UPLOADED
    batch.save(update_fields=["options", "mapping", "summary", "status"])
    return batch


def saved_sources(batch: ImportBatch) -> list[str]:
    return list(ImportMapping.objects.filter(kind=batch.kind, created_by=batch.created_by)
                .order_by("source").values_list("source", flat=True)[:100])


def mapping_keys(batch: ImportBatch) -> dict[str, dict[str, Any]]:
    """key → the column ({index, letter, label}) the batch maps it to."""
    by_index = {str(c["index"]): c for c in batch.columns}
    return {key: by_index[i] for i, key in batch.mapping.items() if key and i in by_index}


def unmapped_columns(batch: ImportBatch) -> list[dict[str, Any]]:
    mapped = {i for i, key in batch.mapping.items() if key}
    return [c for c in batch.columns if str(c["index"]) not in mapped and header_key(c["label"]) not in _IGNORED]


def import_set_mapping(
    *, actor: Any, batch: ImportBatch, mapping: Mapping[str, str | None], options: dict[str, Any] | None = None,
    save_as: str = "",
) -> ImportBatch:
    """Confirm the mapping (column index → key, ``None``/``""`` to leave a column out) and the
    options (``partial``, ``update``, ``default_area``); optionally save it for the source."""
    spec = import_spec(batch.kind)
    if batch.status not in (ImportBatchStatus.UPLOADED, ImportBatchStatus.CHECKED, ImportBatchStatus.FAILED):
        raise DomainError("该导入已在进行或已完成，不能再修改列对应", "This import is running or done: the mapping cannot change")
    indexes = {str(c["index"]) for c in batch.columns}
    clean: dict[str, str] = {}
    used: dict[str, str] = {}
    labels = {str(c["index"]): c["label"] for c in batch.columns}
    for index, key in mapping.items():
        if not key:
            continue
        if str(index) not in indexes or key not in spec.headers:
            raise DomainError("列对应中有未知的列或字段", "The mapping names an unknown column or field", field="mapping")
        if key in used:
            raise DomainError(
                f"“{labels[used[key]]}”和“{labels[str(index)]}”不能对应同一字段 {spec.headers[key][0]}",
                f"{labels[used[key]]!r} and {labels[str(index)]!r} cannot both map to {spec.headers[key][0]}",
                field="mapping",
            )
        used[key] = str(index)
        clean[str(index)] = key
    batch.mapping = clean
    options = dict(options or {})
    if options.get("update") and not spec.can_update():
        raise DomainError("该类导入不支持按关键字段更新", "This import cannot update by key", field="update")
    batch.options = {**batch.options, **options}
    batch.status = ImportBatchStatus.UPLOADED
    batch.save(update_fields=["mapping", "options", "status"])
    if save_as:
        stored = {labels[i]: batch.mapping.get(i, "") for i in sorted(indexes, key=int)}
        ImportMapping.objects.update_or_create(
            created_by=batch.created_by, kind=batch.kind, source=save_as[:100],
            defaults={"mapping": stored, "updated_at": timezone.now()},
        )
    return batch


_IGNORED = frozenset({header_key("错误 Errors")})


def import_override_choices(batch: ImportBatch) -> list[tuple[str, str]]:
    """The per-row choices of the batch's kind (``override_key``), for the preview."""
    spec_cls = import_spec(batch.kind)
    return spec_cls().override_choices(_context(batch)) if spec_cls.override_key else []


def import_set_overrides(*, actor: Any, batch: ImportBatch, overrides: Mapping[str, str]) -> ImportBatch:
    """Keep the values the person chose per row for the spec's ``override_key`` (row number →
    value; ``""`` keeps the proposal). The dry run is then run again so the preview shows them."""
    spec_cls = import_spec(batch.kind)
    if actor is not None and not has_action(actor, spec_cls.action):
        raise NotAllowed("您无权执行该导入", "You may not run this import")
    if spec_cls.override_key is None:
        raise DomainError("该类导入没有可逐行修改的字段", "This import has no per-row choice")
    if batch.status != ImportBatchStatus.CHECKED:
        raise DomainError("该导入的状态已改变，请刷新页面", "The import has moved on: reload the page")
    allowed = {value for value, _label in spec_cls().override_choices(_context(batch))}
    rows = set(ImportRow.objects.filter(batch=batch).values_list("row_no", flat=True))
    clean = dict(batch.options.get("overrides") or {})
    for row_no, value in overrides.items():
        if not str(row_no).isdigit() or int(row_no) not in rows or (value and value not in allowed):
            raise DomainError("逐行选择的值无效", "A value chosen for a row is not valid")
        if value:
            clean[str(int(row_no))] = value
        else:
            clean.pop(str(int(row_no)), None)
    batch.options = {**batch.options, "overrides": clean}
    batch.save(update_fields=["options"])
    return batch


# --- the job --------------------------------------------------------------------------------------


def import_start(*, kind: str, actor: Any, upload: Any, params: dict[str, Any] | None = None) -> Any:
    """Start an import as one job: automatic mapping, dry run, then all or nothing. Inside
    ``preview_imports()`` the batch is returned for the person to confirm the mapping first."""
    batch = import_upload(kind=kind, actor=actor, upload=upload, params=params) if _PREVIEW.get() else None
    if batch is not None:
        return batch
    spec = import_spec(kind)
    name = _check_upload(spec, actor, upload)
    with transaction.atomic():
        return job_start(
            "import",
            actor=actor,
            title=f"{spec.label}：{name}",
            params={"spec": kind, "filename": name, **(params or {})},
            input_file=File(upload, name=name),
        )


def import_run(*, actor: Any, batch: ImportBatch, phase: str) -> Job:
    """Start the dry run (``check``) or the store (``store``) of a batch as a job."""
    spec = import_spec(batch.kind)
    if phase == "check":
        allowed = (ImportBatchStatus.UPLOADED, ImportBatchStatus.CHECKED, ImportBatchStatus.FAILED)
        title = f"{spec.label}（检查）：{batch.filename}"
    else:
        allowed = (ImportBatchStatus.CHECKED,)
        title = f"{spec.label}：{batch.filename}"
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status not in allowed:
            raise DomainError("该导入的状态已改变，请刷新页面", "The import has moved on: reload the page")
        job = job_start("import", actor=actor, title=title, params={"spec": batch.kind, "batch": batch.pk,
                                                                     "phase": phase, "filename": batch.filename})
        locked.status = ImportBatchStatus.CHECKING if phase == "check" else ImportBatchStatus.STORING
        setattr(locked, "check_job" if phase == "check" else "store_job", job)
        locked.save(update_fields=["status", "check_job" if phase == "check" else "store_job"])
    batch.refresh_from_db()
    return job


@job_handler("import", results={"stored": _("已导入"), "failed_rows": _("有错的行"), "to_create": _("将新增"),
                                 "to_update": _("将更新"), "unchanged": _("无变化")})
def run_import(job: Job, progress: Progress) -> dict[str, Any]:
    phase = job.params.get("phase")
    if "batch" not in job.params:  # import_start: one job, automatic mapping, all or nothing
        batch = _legacy_batch(job, progress)
        result = import_check(batch, progress)
        if result["errors"]:
            _refuse_with_errors(job, batch, result)
        try:
            stored = import_store(batch, progress, partial=False)
        except JobRejected:
            _attach_errors(job, batch)  # rows refused while storing: the job offers their report too
            raise
        legacy = {k: v for k, v in stored.items() if k not in ("stored", "updated", "failed_rows")}
        return _public({**legacy, "errors": 0} if not stored["updated"] else legacy)
    batch = ImportBatch.objects.get(pk=job.params["batch"])
    try:
        if phase == "check":
            result = import_check(batch, progress)
            _attach_errors(job, batch)
            return _public(result)
        result = import_store(batch, progress, partial=bool(batch.options.get("partial")))
        _attach_errors(job, batch)
        return _public(result)
    except JobRejected:
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatchStatus.FAILED)
        raise
    except Exception:
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatchStatus.FAILED)
        raise


def _public(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if not isinstance(v, dict | list)}


def _legacy_batch(job: Job, progress: Progress) -> ImportBatch:
    progress.set_total(1, "读取中 / reading")
    params = {k: v for k, v in job.params.items() if k not in ("spec", "filename")}
    batch = ImportBatch(kind=job.params["spec"], filename=job.params.get("filename", ""), created_by=job.created_by,
                        options={"params": params}, check_job=job, store_job=job)
    batch.file.name = job.input_file.name
    try:
        _survey(batch, import_spec(batch.kind))
    except DomainError as exc:
        raise JobRejected(f"无法读取文件：{exc.zh} / {exc.en}", {"errors": 1}) from exc
    batch.save()
    return batch


def _attach_errors(job: Job, batch: ImportBatch) -> None:
    if batch.errors_file:
        Job.objects.filter(pk=job.pk).update(result_file=batch.errors_file.name)


def _refuse_with_errors(job: Job, batch: ImportBatch, result: dict[str, Any]) -> None:
    _attach_errors(job, batch)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatchStatus.FAILED)
    n = result["errors"]
    raise JobRejected(
        f"{n} 处错误，未导入任何数据，请下载错误报告修改后重新导入 / "
        f"{n} errors, nothing was imported: download the error report",
        {"rows": result["rows"], "errors": n},
    )


def _context(batch: ImportBatch) -> Context:
    params = {**batch.options.get("params", {}), "filename": batch.filename}
    for option in ("update", "partial", "default_area", "overrides"):
        if batch.options.get(option):
            params[option] = batch.options[option]
    params["mapped"] = sorted(mapping_keys(batch))
    return Context(actor=batch.created_by, params=params)


def _open(batch: ImportBatch, spec: type[ImportSpec], fh: Any) -> Any:
    keys = mapping_keys(batch)
    if not keys:
        raise JobRejected("没有任何列对应到字段，未导入任何数据 / no column is mapped to a field: nothing was imported",
                          {"errors": 1})
    try:
        reader = read_table(fh, filename=batch.filename, known_headers={k: [c["label"]] for k, c in keys.items()},
                            sheet=batch.sheet or None, limits=import_limits())
    except TableError as exc:
        raise JobRejected(f"未导入任何数据：{exc.zh} / nothing was imported: {exc.en}", {"errors": 1}) from exc
    except ValueError as exc:  # two mapped columns with the same header text
        raise JobRejected(f"无法读取文件：{exc}", {"errors": 1}) from exc
    return reader


def _batches(rows: Iterator[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in rows:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _label_keys(spec: ImportSpec) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, labels in spec.headers.items():
        for label in labels[:1]:
            out.setdefault(label, key)
    return out


def _problem_json(p: RowProblem) -> dict[str, Any]:
    value = p.value
    value = "" if value is None else (value if isinstance(value, int | float | str) else str(value))
    return {"column": p.column, "value": value, "zh": p.zh, "en": p.en}


def validate_all(
    spec: ImportSpec, rows: list[tuple[int, dict[str, Any]]], ctx: Context
) -> dict[int, tuple[dict[str, Any] | None, list[RowProblem]]]:
    """Every problem of every row: a row with a problem is validated again with the offending
    column left blank, until it passes or its next problem is about a column already left out
    (a consequence of leaving it out, not a new error), or is about an optional column the row
    left blank (asked for only because another one was left out). Returns row → (cleaned data of the row
    as it finally passed, or ``None``; its problems)."""
    label_key = _label_keys(spec)
    current = {n: dict(raw) for n, raw in rows}
    original = dict(rows)
    out: dict[int, tuple[dict[str, Any] | None, list[RowProblem]]] = {n: (None, []) for n, _raw in rows}
    blanked: dict[int, set[str]] = {n: set() for n, _raw in rows}
    pending = [n for n, _raw in rows]
    for _round in range(len(spec.headers) + 1):
        if not pending:
            break
        results = spec.validate_batch([(n, current[n]) for n in pending], ctx)
        again: list[int] = []
        for result in results:
            if isinstance(result, RowProblem):
                n = result.row
                key = label_key.get(result.column)
                if key is not None and key in blanked[n]:
                    continue  # a consequence of a column already left out
                if blanked[n] and key is not None and is_blank(original[n].get(key)) and key not in spec.required:
                    continue  # an optional column asked for only because another one was left out
                known = out[n][1]
                if not any((p.column, p.zh) == (result.column, result.zh) for p in known):
                    known.append(result)
                if key is not None and key in current[n] and not is_blank(current[n][key]):
                    current[n][key] = None
                    blanked[n].add(key)
                    if n not in again:
                        again.append(n)
            else:
                n, data = result
                out[n] = (data, out[n][1])
        pending = again
    return out


def import_check(batch: ImportBatch, progress: Any) -> dict[str, Any]:
    """The dry run: stage every row with all its problems; nothing is stored. Returns the
    summary (also kept on the batch)."""
    spec_cls = import_spec(batch.kind)
    spec = spec_cls()
    ctx = _context(batch)
    update = bool(batch.options.get("update"))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatchStatus.CHECKING)
    progress.set_total(1, "读取中 / reading")
    ImportRow.objects.filter(batch=batch).delete()
    missing = [k for k in spec_cls.required if k not in mapping_keys(batch)]
    if missing:
        labels = "、".join(spec_cls.headers[k][0] for k in missing)
        raise JobRejected(f"缺少必需的列：{labels} / missing required columns", {"errors": len(missing)})
    key_field = spec_cls.key_field
    key_label = spec_cls.headers[key_field][0] if key_field else ""
    first_key: dict[str, int] = {}
    legacy_good: list[tuple[int, dict[str, Any]]] = []
    counts = {"rows": 0, "errors": 0, "failed_rows": 0, "to_create": 0, "to_update": 0, "unchanged": 0}
    with batch.file.open("rb") as fh:
        reader = _open(batch, spec_cls, fh)
        try:
            estimate = reader.count_rows() or 0
            if reader.format == "csv" and estimate > reader.limits.max_rows:
                raise JobRejected(
                    f"未导入任何数据：文件约有 {estimate} 行，超过上限 {reader.limits.max_rows} 行，请分成几个文件导入 / "
                    f"nothing was imported: about {estimate} rows, more than {reader.limits.max_rows}: split the file",
                    {"errors": 1},
                )
            progress.set_total(max(estimate, 1), "检查中 / checking")
            spec.prepare(ctx)

            def with_cells() -> Iterator[tuple[int, dict[str, Any], list[Any]]]:
                for number, values in reader:
                    yield number, values, [encode_value(v) for v in reader.current_row]

            for chunk in _batches(with_cells(), spec_cls.batch_size):
                results = validate_all(spec, [(n, raw) for n, raw, _cells in chunk], ctx)
                staged: list[ImportRow] = []
                keyed: dict[str, tuple[ImportRow, dict[str, Any], dict[str, Any]]] = {}
                for n, raw, cells in chunk:
                    data, problems = results[n]
                    key = str(data.get(key_field) or "") if (data is not None and key_field) else ""
                    if key:
                        if key in first_key:
                            problems.append(RowProblem(n, key_label, key, f"与第 {first_key[key]} 行的{key_label}重复",
                                                       f"the same {spec_cls.headers[key_field][-1]} as row {first_key[key]}"))
                        else:
                            first_key[key] = n
                    row = ImportRow(batch=batch, row_no=n, raw={k: encode_value(v) for k, v in raw.items()}, cells=cells,
                                    problems=[_problem_json(p) for p in problems], action="" if problems else "create",
                                    group=_group(spec, data))
                    staged.append(row)
                    if key and first_key[key] == n:
                        keyed[key] = (row, data or {}, raw)
                    if not key_field and not problems and data is not None:
                        legacy_good.append((n, data))
                if keyed:
                    found = spec.existing(list(keyed), ctx)
                    for key, obj in found.items():
                        row, data, raw = keyed[key]
                        if not update:
                            row.problems.append(_problem_json(RowProblem(
                                row.row_no, key_label, key, f"该{key_label}已登记（如需以本文件更新已登记的记录，请选择“按{key_label}更新”）",
                                f"this {spec_cls.headers[key_field][-1]} is already registered (choose update by key to update it)")))
                            row.action = ""
                            continue
                        try:
                            changes = spec.changes(obj, data, raw, ctx)
                        except RowError as exc:
                            row.problems.append(_problem_json(RowProblem(row.row_no, exc.column, exc.value, exc.zh, exc.en)))
                            row.action = ""
                            continue
                        row.target_id = str(obj.pk)
                        row.changes = [{"column": c.column, "old": c.old, "new": c.new} for c in changes]
                        if not row.problems:
                            row.action = "update" if changes else "same"
                insert_new(ImportRow, staged)  # PostgreSQL: COPY (core.bulk); nothing needs their ids here
                for row in staged:
                    counts["rows"] += 1
                    counts["errors"] += len(row.problems)
                    counts["failed_rows"] += bool(row.problems)
                    counts["to_create"] += row.action == "create"
                    counts["to_update"] += row.action == "update"
                    counts["unchanged"] += row.action == "same"
                if counts["rows"] >= progress_total(progress):  # the sheet did not say its size: keep the bar moving
                    progress.set_total(counts["rows"] * 2, "检查中 / checking")
                progress.advance(counts["rows"], f"检查中：已检查 {counts['rows']} 行 / checking: {counts['rows']} rows checked")
            skipped_totals = list(reader.skipped_totals)
        except TableError as exc:
            raise JobRejected(f"未导入任何数据：{exc.zh} / nothing was imported: {exc.en}", {"errors": 1}) from exc
        finally:
            reader.close()
    if legacy_good:
        progress.set_total(counts["rows"] + 1, "查重中 / checking duplicates")
        extra = spec.check_all(legacy_good, ctx)
        by_row: dict[int, list[RowProblem]] = {}
        for p in extra:
            by_row.setdefault(p.row, []).append(p)
        for row in ImportRow.objects.filter(batch=batch, row_no__in=list(by_row)):
            row.problems = [*row.problems, *(_problem_json(p) for p in by_row[row.row_no])]
            counts["failed_rows"] += row.action != ""
            counts["to_create"] -= row.action == "create"
            row.action = ""
            counts["errors"] += len(by_row[row.row_no])
            row.save(update_fields=["problems", "action"])
        previews = spec.preview_rows([(n, d) for n, d in legacy_good if n not in by_row], ctx)
        previewed = sorted(previews)
        for start in range(0, len(previewed), 500):
            part = previewed[start : start + 500]
            rows_ = list(ImportRow.objects.filter(batch=batch, row_no__in=part, action="create"))
            for row in rows_:
                row.changes = [{"column": c.column, "old": c.old, "new": c.new} for c in previews[row.row_no]]
            ImportRow.objects.bulk_update(rows_, ["changes"])
    del legacy_good
    if counts["rows"] == 0:
        raise JobRejected("文件中没有数据行 / the file has no data rows", {"rows": 0, "errors": 0})
    summary = {
        **{k: v for k, v in batch.summary.items() if k == "suggested"},
        **counts,
        "unmapped": [c["label"] for c in unmapped_columns(batch)],
        "totals_rows": skipped_totals,
    }
    batch.summary = summary
    batch.status = ImportBatchStatus.CHECKED
    if counts["errors"]:
        write_error_workbook(batch)
    elif batch.errors_file:
        batch.errors_file.delete(save=False)
    batch.save(update_fields=["summary", "status", "errors_file"])
    progress.set_total(counts["rows"], "检查完成 / checked")
    progress.advance(counts["rows"], f"检查完成：{counts['rows']} 行，{counts['failed_rows']} 行有错 / "
                                     f"checked: {counts['rows']} rows, {counts['failed_rows']} with errors")
    return summary


def _group(spec: ImportSpec, data: dict[str, Any] | None) -> str:
    if data is None:
        return ""
    group = spec.group_of(data)
    return group if len(group) <= 64 else hashlib.sha256(group.encode()).hexdigest()


def write_error_workbook(batch: ImportBatch) -> None:
    """The error workbook: sheet 错误报告 lists every problem (row, column, value, reason in
    Chinese and English); sheet 待修改的行 holds the refused rows as they were uploaded (the
    header row and every column) with an error column, ready to fix and upload again."""
    wb = Workbook(write_only=True)
    report = wb.create_sheet("错误报告")
    report.append(["行号 Row", "列 Column", "值 Value", "错误", "Error"])
    width = max((c["index"] for c in batch.columns), default=-1) + 1
    header: list[Any] = [""] * width
    for c in batch.columns:
        header[c["index"]] = c["label"]
    fix = wb.create_sheet("待修改的行")
    fix.append(["行号 Row", *header, "错误 Errors"])
    failed = ImportRow.objects.filter(batch=batch).exclude(problems=[]).order_by("row_no")
    last = 0
    while True:
        chunk = list(failed.filter(row_no__gt=last)[:1000])
        if not chunk:
            break
        for row in chunk:
            for p in row.problems:
                report.append([row.row_no, p["column"], _typed(report, p["value"]), p["zh"], p["en"]])
            cells = [_typed(fix, decode_value(v)) for v in row.cells][:width] + [None] * max(0, width - len(row.cells))
            fix.append([row.row_no, *cells,
                        "；".join(f"{p['column']}：{p['zh']}（{p['en']}）" for p in row.problems)])
        last = chunk[-1].row_no
    path = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False).name  # noqa: SIM115
    try:
        wb.save(path)
        with open(path, "rb") as fh:
            batch.errors_file.save(f"import-errors-{batch.pk}.xlsx", File(fh), save=False)
    finally:
        os.unlink(path)


def _typed(ws: Any, value: Any) -> Any:
    """A value for an xlsx cell as it was uploaded: text starting with ``=`` is written as a
    text cell (never a formula, and without an apostrophe that would become data)."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


def _staged(batch: ImportBatch, actions: Sequence[str], size: int) -> Iterator[list[ImportRow]]:
    """The staged rows in chunks of about ``size``; the rows of one group (``group_of``) come in
    the chunk of the group's first row, wherever they are in the file."""
    last = 0
    # not the cells: the store needs the mapped values (``raw``); a refused row's error workbook reads them again
    qs = ImportRow.objects.filter(batch=batch, action__in=list(actions)).defer("cells").order_by("pk")
    taken: set[int] = set()  # rows of a group already taken with an earlier chunk
    while True:
        fetched = list(qs.filter(pk__gt=last)[:size])
        if not fetched:
            return
        last = fetched[-1].pk
        chunk = [r for r in fetched if r.pk not in taken]
        groups = {r.group for r in chunk if r.group}
        if groups:
            have = {r.pk for r in chunk}
            ordered = sorted(groups)
            for start_ in range(0, len(ordered), 500):
                part = ordered[start_ : start_ + 500]
                for r in qs.filter(group__in=part, pk__gt=last):
                    if r.pk not in have:
                        chunk.append(r)
                        taken.add(r.pk)
        if chunk:
            yield chunk


def import_store(batch: ImportBatch, progress: Any, *, partial: bool) -> dict[str, Any]:
    """Store the staged rows in chunks (each its own transaction). All or nothing unless
    ``partial``: a later failure undoes the chunks already stored."""
    spec_cls = import_spec(batch.kind)
    spec = spec_cls()
    ctx = _context(batch)
    summary = dict(batch.summary)
    if summary.get("failed_rows") and not partial:
        raise JobRejected(
            f"{summary['failed_rows']} 行有错误，未导入任何数据 / {summary['failed_rows']} rows have errors: nothing was imported",
            {"errors": summary.get("errors", 0)},
        )
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatchStatus.STORING)
    total = ImportRow.objects.filter(batch=batch, action__in=("create", "update")).count()
    progress.set_total(max(total, 1), "导入中 / storing")
    spec.prepare(ctx)
    undoable = spec_cls.can_undo()
    outer = contextlib.nullcontext() if (undoable or partial) else transaction.atomic()
    stored = {"created": 0, "updated": 0}
    extra: dict[str, Any] = {}
    refused = 0
    held: list[ImportRow] = []  # kinds that cannot undo: all valid rows in one commit, as before
    held_results: dict[int, tuple[dict[str, Any] | None, list[RowProblem]]] = {}

    def flush(good: list[ImportRow], results: dict[int, tuple[dict[str, Any] | None, list[RowProblem]]]) -> list[ImportRow]:
        """Commit ``good``; returns the rows refused while committing (``partial``)."""
        ctx.cache["progress_base"] = stored["created"] + stored["updated"] + refused
        try:
            with transaction.atomic():
                _store_chunk(spec, ctx, progress, good, results, stored, extra)
        except (DomainError, RowError) as exc:
            for r in good:
                r.problems = [{"column": "", "value": "", "zh": exc.zh, "en": exc.en}]
            if not partial:
                raise _StoreFailed(good) from exc
            return good
        return []

    def refuse(bad: list[ImportRow]) -> None:
        nonlocal refused
        if bad:
            refused += len(bad)
            for r in bad:
                r.action = ""
            ImportRow.objects.bulk_update(bad, ["problems", "action"])

    try:
        with outer:
            for chunk in _staged(batch, ("create", "update"), spec_cls.batch_size):
                results = validate_all(spec, [(r.row_no, _decode_row(r.raw)) for r in chunk], ctx)
                bad = [r for r in chunk if results[r.row_no][0] is None]
                for r in bad:
                    r.problems = [_problem_json(p) for p in results[r.row_no][1]]
                if bad and not partial:
                    raise _StoreFailed(bad)
                good = [r for r in chunk if results[r.row_no][0] is not None]
                if undoable:
                    bad += flush(good, results)
                else:
                    held.extend(good)
                    held_results.update({r.row_no: results[r.row_no] for r in good})
                refuse(bad)
                done = stored["created"] + stored["updated"] + refused + len(held)
                progress.advance(done, f"导入中：已保存 {stored['created'] + stored['updated']} 行 / "
                                       f"storing: {stored['created'] + stored['updated']} rows stored")
            if held:
                refuse(flush(held, held_results))
        spec.finish(ctx, progress)
    except _StoreFailed as exc:
        if undoable:
            _undo_stored(spec, ctx, batch)
        ImportRow.objects.bulk_update(exc.rows, ["problems"])
        write_error_workbook(batch)
        batch.status = ImportBatchStatus.FAILED
        batch.save(update_fields=["status", "errors_file"])
        raise JobRejected(
            f"{len(exc.rows)} 行在导入时未通过检查（数据已被他人修改？），未导入任何数据 / "
            f"{len(exc.rows)} rows failed while storing (changed meanwhile?): nothing was imported",
            {"errors": len(exc.rows)},
        ) from None
    failed_rows = (summary.get("failed_rows") or 0) + refused
    result = {
        "stored": stored["created"],
        "updated": stored["updated"],
        "failed_rows": failed_rows,
        "errors": (summary.get("errors") or 0) + refused,
        "rows": summary.get("rows", 0),
        **stored,
        **extra,
    }
    if refused:
        write_error_workbook(batch)
    batch.summary = {**summary, "result": _public(result), "undoable": undoable}
    batch.status = ImportBatchStatus.STORED
    batch.stored_at = timezone.now()
    batch.save(update_fields=["summary", "status", "stored_at", "errors_file"])
    _record(batch, "import.stored", f"导入 {batch.filename}：新增 {stored['created']} 条，更新 {stored['updated']} 条")
    progress.advance(progress_total(progress), "导入完成 / stored")
    return result


def progress_total(progress: Any) -> int:
    job = getattr(progress, "job", None)
    return int(getattr(job, "total", 0) or getattr(progress, "total", 0) or 0)


class _StoreFailed(Exception):
    def __init__(self, rows: list[ImportRow]) -> None:
        super().__init__(f"{len(rows)} rows failed")
        self.rows = rows


def _store_chunk(
    spec: ImportSpec, ctx: Context, progress: Any, rows: list[ImportRow],
    results: dict[int, tuple[dict[str, Any] | None, list[RowProblem]]], stored: dict[str, int], extra: dict[str, Any],
) -> None:
    creates = [r for r in rows if r.action == "create"]
    updates = [r for r in rows if r.action == "update"]
    if creates:
        result = dict(spec.commit([(r.row_no, results[r.row_no][0] or {}) for r in creates], ctx, progress) or {})
        ids = result.pop("ids", None)
        if isinstance(made := result.pop("created", None), int):
            # records the kind made of these rows, when it says (victim rows of one accident, the
            # grant rows of one user): the result's "created"; "stored" stays the count of rows
            extra["created"] = extra.get("created", 0) + made
        for k, v in result.items():
            if isinstance(v, int | float) and not isinstance(v, bool):
                extra[k] = extra.get(k, 0) + v
        if ids is not None and len(ids) == len(creates):
            stamps = spec.stamps([str(i) for i in ids]) if type(spec).can_undo() else {}
            for r, pk in zip(creates, ids, strict=True):
                r.object_id, r.stored, r.stamp = str(pk), "created", stamps.get(str(pk), "")
        else:
            for r in creates:
                r.stored = "created"
        stored["created"] += len(creates)
    if updates:
        key_field = type(spec).key_field or ""
        found = spec.existing([str(results[r.row_no][0].get(key_field)) for r in updates  # type: ignore[union-attr]
                               ], ctx)
        items = []
        for r in updates:
            data = results[r.row_no][0] or {}
            obj = found.get(str(data.get(key_field)))
            if obj is None or str(obj.pk) != r.target_id:
                raise DomainError("要更新的记录已不存在或已改变", "the record to update no longer exists or has changed")
            items.append((r.row_no, {**data, "_raw": _decode_row(r.raw)}, obj))
        for r, (object_id, before, stamp) in zip(updates, spec.update(items, ctx), strict=True):
            r.object_id, r.before, r.stamp, r.stored = object_id, before, stamp, "updated"
        stored["updated"] += len(updates)
    _rewrite(rows)


def _rewrite(rows: list[ImportRow]) -> None:
    """Save what storing a chunk set on its staged rows (``stored``, ``object_id``, ``stamp`` and,
    for updates, ``before``) with one set-based ``UPDATE`` (PostgreSQL: from arrays;
    elsewhere ``executemany``): the rows' cells and problems are not written again."""
    if not rows:
        return
    table = connection.ops.quote_name(ImportRow._meta.db_table)
    values = [(r.pk, r.stored, r.object_id, r.stamp, json.dumps(r.before, cls=DjangoJSONEncoder)) for r in rows]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            ids, stored, object_ids, stamps, befores = (list(col) for col in zip(*values, strict=True))
            # The table name comes from model metadata; every value is a query parameter.
            cur.execute(
                f"UPDATE {table} AS r SET stored = v.stored, object_id = v.object_id, stamp = v.stamp, "  # noqa: S608
                '"before" = v.before::jsonb FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[]) '
                "AS v(id, stored, object_id, stamp, before) WHERE r.id = v.id",
                [ids, stored, object_ids, stamps, befores],
            )
        else:
            cur.executemany(f'UPDATE {table} SET stored = %s, object_id = %s, stamp = %s, "before" = %s WHERE id = %s',  # noqa: S608
                            [(st, oid, stamp, before, pk) for pk, st, oid, stamp, before in values])


def _undo_stored(spec: ImportSpec, ctx: Context, batch: ImportBatch) -> None:
    rows = ImportRow.objects.filter(batch=batch).exclude(stored="")
    created = list(dict.fromkeys((r.object_id, r.stamp) for r in rows.iterator(chunk_size=2000)
                                 if r.stored == "created" and r.object_id))
    updated = [(r.object_id, r.before, r.stamp) for r in rows.iterator(chunk_size=2000) if r.stored == "updated"]
    with transaction.atomic():
        spec.undo(created, updated, ctx)
        rows.update(stored="", object_id="", before={}, stamp="")


def history_stamps(model: Any, ids: Sequence[int]) -> dict[str, str]:
    """The latest history version (``history_id``) of each record of a model with
    ``simple_history``: a later change makes a newer one, which is how undo knows a record
    was touched after the import."""
    out: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        rows = (model.history.filter(id__in=list(ids[start : start + 500])).values("id")
                .annotate(last=Max("history_id")))
        out.update({str(r["id"]): str(r["last"]) for r in rows})
    return out


def has_dependents(obj: Any) -> bool:
    """Whether any other record refers to ``obj`` (what deleting it would cascade to or is
    protected by): an imported record that has gained records of its own is not undone."""
    collector = Collector(using=router.db_for_write(type(obj)))
    try:
        collector.collect([obj])
    except (ProtectedError, RestrictedError):
        return True
    if any(model is not type(obj) and objs for model, objs in collector.data.items()):
        return True
    return any(qs.exists() for qs in collector.fast_deletes)


def _record(batch: ImportBatch, verb: str, summary: str) -> None:
    record_event(batch, verb, actor=batch.created_by, summary=summary)


def import_undo(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Undo a stored batch: created records removed, updated ones restored from history, all of
    them or none (refused with the reason when any was touched since)."""
    spec_cls = import_spec(batch.kind)
    if actor is not None and not has_action(actor, spec_cls.action):
        raise NotAllowed("您无权撤销该导入", "You may not undo this import")
    if batch.status != ImportBatchStatus.STORED:
        raise DomainError("只能撤销已完成的导入", "Only a stored import can be undone")
    if not spec_cls.can_undo():
        raise DomainError("该类导入不能撤销", "This kind of import cannot be undone")
    if not batch_undoable(batch):
        days = settings.IMPORT_UNDO_DAYS
        raise DomainError(f"导入已超过 {days} 天，不能再撤销", f"The import is more than {days} days old: it can no longer be undone")
    spec = spec_cls()
    ctx = _context(batch)
    ctx.actor = actor
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportBatchStatus.STORED:
            raise DomainError("只能撤销已完成的导入", "Only a stored import can be undone")
        _undo_stored(spec, ctx, locked)
        locked.status = ImportBatchStatus.UNDONE
        locked.undone_at = timezone.now()
        locked.save(update_fields=["status", "undone_at"])
        record_event(locked, "import.undone", actor=actor, summary=f"撤销导入 {locked.filename}")
    batch.refresh_from_db()
    return batch


def batch_undoable(batch: ImportBatch, now: dt.datetime | None = None) -> bool:
    """A stored batch of a kind that can undo, within ``IMPORT_UNDO_DAYS`` of its store (after
    that its staged rows — what undo needs — are removed by ``import_staging_cleanup``)."""
    if batch.status != ImportBatchStatus.STORED or not import_spec(batch.kind).can_undo():
        return False
    if (batch.summary or {}).get("staging_removed"):
        return False
    stored_at = batch.stored_at or batch.created_at
    return stored_at >= (now or timezone.now()) - dt.timedelta(days=settings.IMPORT_UNDO_DAYS)


def import_staging_cleanup(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remove the staged rows (``ImportRow``) of finished batches (the nightly job):

    * a stored batch keeps them for ``IMPORT_UNDO_DAYS`` after its store — what its undo needs
      (the records' ids, versions and earlier values); then they go and the batch can no longer
      be undone;
    * a refused, undone or abandoned (uploaded or checked, never stored) batch keeps them — its
      error list and preview — for ``IMPORT_STAGING_RETENTION_DAYS`` after its upload; an
      abandoned one is then marked not imported (it can be checked again from its file).

    Batches being checked or stored are never touched. The batch itself, its file and its error
    workbook stay. Returns the number of batches and rows removed."""
    now = now or timezone.now()
    undo_before = now - dt.timedelta(days=settings.IMPORT_UNDO_DAYS)
    keep_before = now - dt.timedelta(days=settings.IMPORT_STAGING_RETENTION_DAYS)
    done = {"batches": 0, "rows": 0}
    stored = ImportBatch.objects.filter(status=ImportBatchStatus.STORED, stored_at__lt=undo_before)
    ended = ImportBatch.objects.filter(
        status__in=(ImportBatchStatus.FAILED, ImportBatchStatus.UNDONE, ImportBatchStatus.UPLOADED, ImportBatchStatus.CHECKED),
        created_at__lt=keep_before,
    )
    for qs in (stored, ended):
        for batch in qs.filter(rows__isnull=False).distinct().iterator(chunk_size=200):
            with transaction.atomic():
                locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
                if locked.status != batch.status:
                    continue  # moved on meanwhile (a store started)
                while True:  # in chunks: a big batch never holds the write lock long
                    pks = list(ImportRow.objects.filter(batch=locked).values_list("pk", flat=True)[:5000])
                    if not pks:
                        break
                    done["rows"] += ImportRow.objects.filter(pk__in=pks).delete()[0]
                locked.summary = {**(locked.summary or {}), "staging_removed": now.isoformat()}
                fields = ["summary"]
                if locked.status in (ImportBatchStatus.UPLOADED, ImportBatchStatus.CHECKED):
                    locked.status = ImportBatchStatus.FAILED
                    fields.append("status")
                locked.save(update_fields=fields)
                done["batches"] += 1
    if done["batches"]:
        log.info("import staging cleanup: %(batches)s batches, %(rows)s rows removed", done)
    return done


def import_cli_result(batch: ImportBatch) -> dict[str, Any]:
    """The figures the ``anjian import`` command prints as its last line."""
    summary = batch.summary or {}
    result = summary.get("result") or {}
    return {
        "stored": result.get("stored", 0),
        "updated": result.get("updated", 0),
        "failed_rows": result.get("failed_rows", summary.get("failed_rows", 0)),
        "errors": result.get("errors", summary.get("errors", 0)),
        "unmapped": summary.get("unmapped", [c["label"] for c in unmapped_columns(batch)]),
    }
