"""The enterprise risk engine: gathers the factors, calls ``rules.risk.enterprise_risk_colour``
and stores the colour with its explanation (``enterprise_set_risk``: row history + timeline).

Factors (see ``docs/enterprises.md`` § Risk colour):

* the sector's inherent colour (``orgs.Sector.inherent_risk``, local configuration; a division
  without one inherits its section's, finally blue);
* open 重大 / 一般 hazards: confirmed and not yet written off (an unconfirmed report does not count);
* overdue hazards: in rectification (confirmed / rectifying) past their deadline;
* accidents (生产安全事故, not 较大涉险事故) in the last 365 days, and deaths in the last 1,096 days;
* the enterprise's flags known to the points model, plus ``major_hazard_source`` when a
  non-retired GB 18218 unit of the enterprise is a major hazard source.

Two paths compute the same thing: ``enterprise_recompute_risk`` (one enterprise, plain queries,
called on change) and ``recompute_all`` (one grouped query per factor, for the whole city as a
job and nightly, because "overdue" changes with time). Changes are picked up with
``schedule_recompute(enterprise_id)``: once per enterprise per transaction, after commit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop
from simple_history.utils import bulk_update_with_history

from anjian.audit.models import Event
from anjian.audit.services import actor_label, record_event
from anjian.core.errors import NotAllowed
from anjian.core.scoping import scope_allows
from anjian.enterprises.models import Enterprise
from anjian.jobs.registry import job_handler
from anjian.jobs.services import job_start
from anjian.orgs.models import Jurisdiction
from anjian.orgs.risk import sector_inherent, sector_inherent_map
from anjian.rules import risk as rules

log = logging.getLogger(__name__)

JOB_KIND = "enterprises.recompute_risk"
YEAR = dt.timedelta(days=365)
THREE_YEARS = dt.timedelta(days=3 * 365 + 1)
WEIGHTS = rules.DEFAULT_ENTERPRISE_RISK_WEIGHTS
CHUNK = 2000


@dataclass(frozen=True)
class RiskFactor:
    """What one domain app counts into the colour. The enterprise register sits below the domain
    apps, so it reads none of them: each app registers its factor in its ``AppConfig.ready``
    (``hazards/risk_factors.py``, ``accidents/…``, ``monitoring/…``).

    ``one(enterprise_id, now)`` returns some ``RiskInputs`` fields (and ``major_source``) for one
    enterprise; ``bulk(only, now)`` returns per-enterprise dicts under the ``bulk_inputs`` keys
    (``open_major``, ``open_general``, ``overdue``, ``accidents``, ``deaths``, ``sources``), ``only``
    being a ``Q`` on ``enterprise_id``."""

    name: str
    one: Callable[[int, dt.datetime], dict[str, Any]]
    bulk: Callable[[Q, dt.datetime], dict[str, dict[int, Any]]]


FACTORS: dict[str, RiskFactor] = {}


def register_factor(factor: RiskFactor) -> None:
    FACTORS[factor.name] = factor


@dataclass(frozen=True)
class RiskInputs:
    sector_inherent: str
    sector_source: str
    open_major: int = 0
    open_general: int = 0
    overdue: int = 0
    accidents_last_year: int = 0
    deaths_last_3y: int = 0
    flags: tuple[str, ...] = ()


def risk_flags(stored: Iterable[str], has_major_source: bool) -> tuple[str, ...]:
    known = {f for f in stored if f in WEIGHTS.flags}  # e.g. "high_risk_sector" is the sector's inherent colour
    if has_major_source:
        known.add("major_hazard_source")
    return tuple(sorted(known))


def evaluate(inputs: RiskInputs) -> tuple[str, list[dict[str, Any]]]:
    """The colour and the explanation lines (``{"zh", "en", "points"}``) for these inputs."""
    result = rules.enterprise_risk_colour(
        sector_inherent=rules.RiskColour(inputs.sector_inherent),
        open_major_hazards=inputs.open_major,
        open_general_hazards=inputs.open_general,
        overdue_hazards=inputs.overdue,
        accidents_last_year=inputs.accidents_last_year,
        deaths_last_3y=inputs.deaths_last_3y,
        flags=inputs.flags,
        weights=WEIGHTS,
    )
    lines = [{"zh": r.zh, "en": r.en, "points": r.points} for r in result.reasons]
    if lines:
        if inputs.sector_source:
            lines[0]["zh"] += f"（行业 {inputs.sector_source} 的本地配置）"
            lines[0]["en"] += f" (local setting of sector {inputs.sector_source})"
        else:
            lines[0]["zh"] += "（行业未设置，默认蓝色）"
            lines[0]["en"] += " (sector not configured: default blue)"
    return result.colour.value, lines


# --- one enterprise ------------------------------------------------------------------------


def enterprise_risk_inputs(enterprise: Enterprise, *, now: dt.datetime | None = None) -> RiskInputs:
    """The factors of one enterprise, with plain per-enterprise queries (one set per registered
    ``RiskFactor``)."""
    now = now or timezone.now()
    colour, source = sector_inherent(enterprise.sector)
    counts: dict[str, Any] = {}
    for factor in FACTORS.values():
        counts.update(factor.one(enterprise.pk, now))
    major_source = bool(counts.pop("major_source", False))
    return RiskInputs(
        sector_inherent=colour.value,
        sector_source=source,
        flags=risk_flags(enterprise.flags or [], major_source),
        **counts,
    )


def enterprise_recompute_risk(*, enterprise: Enterprise | int, actor: Any = None) -> Enterprise:
    """Recompute and store one enterprise's colour (history and a timeline event on a change)."""
    pk = enterprise if isinstance(enterprise, int) else enterprise.pk
    ent = Enterprise.objects.select_related("sector__parent").get(pk=pk)
    now = timezone.now()
    colour, lines = evaluate(enterprise_risk_inputs(ent, now=now))
    return enterprise_set_risk(enterprise=ent, colour=colour, explanation=lines, actor=actor, computed_at=now)


@transaction.atomic
def enterprise_set_risk(
    *, enterprise: Enterprise, colour: str, explanation: list[Any], actor: Any = None, computed_at: Any = None
) -> Enterprise:
    """Record a recomputed risk colour with its explanation (called by the risk engine
    above). The time of computation is kept even when nothing changed."""
    ent = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    now = computed_at or timezone.now()
    if ent.risk_colour == colour and ent.risk_explanation == explanation:
        Enterprise.objects.filter(pk=ent.pk).update(risk_computed_at=now)
        ent.risk_computed_at = now
        return ent
    old = ent.risk_colour
    ent.risk_colour, ent.risk_explanation, ent.risk_computed_at = colour, explanation, now
    ent._change_reason = gettext_noop("风险等级重算")  # type: ignore[attr-defined]
    ent.save(update_fields=["risk_colour", "risk_explanation", "risk_computed_at"])
    if old != colour:
        record_event(ent, "risk_changed", actor=actor, summary=risk_change_summary(old, colour),
                     data={"from": old, "to": colour, "explanation": explanation})
    return ent


def risk_change_summary(old: str, new: str) -> str:
    """Stored Chinese text, whatever the request's language: ``风险等级 橙（较大风险） → 红（重大风险）``."""

    def name(value: str) -> str:
        try:
            colour = rules.RiskColour(value)
        except ValueError:
            return value
        return f"{colour.colour_zh}（{colour.label}）"

    return f"风险等级 {name(old)} → {name(new)}"


# --- on change: once per enterprise per transaction, after commit ---------------------------


class _Pending:
    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.done = False
        self.callback = self.flush

    def flush(self) -> None:
        self.done = True
        conn = transaction.get_connection()
        if getattr(conn, "_anjian_risk_pending", None) is self:
            conn._anjian_risk_pending = None  # type: ignore[attr-defined]
        for pk in sorted(self.ids):
            try:
                enterprise_recompute_risk(enterprise=pk)
            except Enterprise.DoesNotExist:
                continue
            except Exception:
                log.exception("risk recompute of enterprise %s failed; the nightly job will retry", pk)


def schedule_recompute(enterprise_id: int | None) -> None:
    """Recompute this enterprise's colour once the current transaction commits (now, outside one)."""
    if not enterprise_id:
        return
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        with contextlib.suppress(Enterprise.DoesNotExist):
            enterprise_recompute_risk(enterprise=enterprise_id)
        return
    state: _Pending | None = getattr(conn, "_anjian_risk_pending", None)
    # A rolled-back (savepoint) or already flushed batch no longer has its callback queued.
    if state is None or state.done or not any(item[1] is state.callback for item in conn.run_on_commit):
        state = _Pending()
        conn._anjian_risk_pending = state  # type: ignore[attr-defined]
        transaction.on_commit(state.callback)
    state.ids.add(int(enterprise_id))


# --- the whole city: one grouped query per factor -------------------------------------------


def bulk_inputs(*, now: dt.datetime, enterprise_ids: Iterable[int] | None = None) -> dict[str, dict[int, Any]]:
    """Per-enterprise counts for every factor, each from one grouped query (per ``RiskFactor``)."""
    only = Q() if enterprise_ids is None else Q(enterprise_id__in=list(enterprise_ids))
    facts: dict[str, dict[int, Any]] = {
        "open_major": {}, "open_general": {}, "overdue": {}, "accidents": {}, "deaths": {}, "sources": {},
    }
    for factor in FACTORS.values():
        facts.update(factor.bulk(only, now))
    return facts


def recompute_all(
    *, actor: Any = None, on_progress: Any = None, queryset: Any = None, now: dt.datetime | None = None
) -> dict[str, int]:
    """Recompute every enterprise (or those of ``queryset``) in chunks; write only the changed
    rows (bulk, with history rows and one ``risk_changed`` event per colour change) and stamp
    ``risk_computed_at`` on all. Returns counts."""
    now = now or timezone.now()
    qs = queryset if queryset is not None else Enterprise.objects.all()
    ids = list(qs.order_by("id").values_list("id", flat=True))
    facts = bulk_inputs(now=now, enterprise_ids=None if queryset is None else ids)
    inherent = sector_inherent_map()
    ct = ContentType.objects.get_for_model(Enterprise)
    label = actor_label(actor)
    actor_obj = actor if getattr(actor, "pk", None) else None
    stats = {"count": len(ids), "changed": 0, "raised": 0, "lowered": 0}
    rank = {c.value: c.rank for c in rules.RiskColour}
    cache: dict[RiskInputs, tuple[str, list[dict[str, Any]]]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():
            rows = list(Enterprise.objects.filter(pk__in=chunk).select_for_update())
            changed: list[Enterprise] = []
            events: list[Event] = []
            for ent in rows:
                colour_src = inherent.get(ent.sector_id, ("blue", "")) if ent.sector_id else ("blue", "")
                inputs = RiskInputs(
                    sector_inherent=colour_src[0], sector_source=colour_src[1],
                    open_major=facts["open_major"].get(ent.pk, 0), open_general=facts["open_general"].get(ent.pk, 0),
                    overdue=facts["overdue"].get(ent.pk, 0), accidents_last_year=facts["accidents"].get(ent.pk, 0),
                    deaths_last_3y=int(facts["deaths"].get(ent.pk, 0)),
                    flags=risk_flags(ent.flags or [], facts["sources"].get(ent.pk, False)),
                )
                if inputs not in cache:
                    cache[inputs] = evaluate(inputs)
                colour, lines = cache[inputs]
                if ent.risk_colour == colour and ent.risk_explanation == lines:
                    continue
                old = ent.risk_colour
                ent.risk_colour, ent.risk_explanation, ent.risk_computed_at = colour, lines, now
                changed.append(ent)
                if old != colour:
                    stats["raised" if rank.get(colour, 0) > rank.get(old, 0) else "lowered"] += 1
                    events.append(Event(
                        content_type=ct, object_id=str(ent.pk), verb="risk_changed",
                        summary=risk_change_summary(old, colour), data={"from": old, "to": colour, "explanation": lines},
                        actor=actor_obj, actor_label=label,
                    ))
            if changed:
                bulk_update_with_history(
                    changed, Enterprise, ["risk_colour", "risk_explanation", "risk_computed_at"],
                    batch_size=500, default_user=actor_obj, default_change_reason=gettext_noop("风险等级重算"),
                )
                Event.objects.bulk_create(events, batch_size=1000)
                stats["changed"] += len(changed)
            Enterprise.objects.filter(pk__in=chunk).update(risk_computed_at=now)
        if on_progress is not None:
            on_progress(min(start + CHUNK, len(ids)))
    return stats


def _register_job() -> None:
    @job_handler(JOB_KIND, results={"count": gettext_lazy("企业数"), "changed": gettext_lazy("等级变化"),
                                    "raised": gettext_lazy("升高"), "lowered": gettext_lazy("降低")})
    def recompute_risk_job(job: Any, progress: Any) -> dict[str, Any]:
        qs = Enterprise.objects.all()
        progress.set_total(qs.count(), "重算企业风险等级 / recomputing enterprise risk colours")
        return recompute_all(actor=job.created_by, on_progress=progress.advance)


_register_job()


def recompute_all_start(*, actor: Any) -> Any:
    """Start the whole-city recompute as a job (city-wide ``orgs.risk`` or ``enterprises.*`` grant)."""
    if actor is not None:
        root = Jurisdiction.objects.filter(parent__isnull=True).order_by("id").first()
        if root is None or not scope_allows(actor, "orgs.risk", jurisdiction=root):
            raise NotAllowed("只有市级管理员可以重算全市企业风险", "Only the city administrator may recompute the whole city")
    return job_start(JOB_KIND, actor=actor, title=gettext_noop("重算全市企业风险等级"))


def initial_risk_factory() -> Any:
    """``initial_risk(enterprise) → (colour, lines)`` for a new enterprise (no hazards, accidents or
    hazard sources yet), memoised per (sector, flags): the bulk import computes thousands."""
    inherent = sector_inherent_map()
    cache: dict[RiskInputs, tuple[str, list[dict[str, Any]]]] = {}

    def initial_risk(ent: Enterprise) -> tuple[str, list[dict[str, Any]]]:
        colour, source = inherent.get(ent.sector_id, ("blue", "")) if ent.sector_id else ("blue", "")
        inputs = RiskInputs(sector_inherent=colour, sector_source=source, flags=risk_flags(ent.flags or [], False))
        if inputs not in cache:
            cache[inputs] = evaluate(inputs)
        return cache[inputs]

    return initial_risk
