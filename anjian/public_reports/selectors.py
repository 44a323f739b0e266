"""Reads for reports, all starting from ``Report.objects.restrict(user, action)``."""

from __future__ import annotations

import datetime as dt
from difflib import SequenceMatcher
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from anjian.core.geo import distance_m
from anjian.core.scoping import can
from anjian.orgs.models import Jurisdiction
from anjian.public_reports.models import (
    Report,
    ReporterIdentity,
    ReportStatus,
    Reward,
    RewardPolicyConfig,
    Verification,
)
from anjian.rules import rewards as rules


def report_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Report]:
    filters = filters or {}
    qs = Report.objects.restrict(user, "public_reports.view").select_related("jurisdiction", "department", "enterprise")
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("channel"):
        qs = qs.filter(channel=filters["channel"])
    if filters.get("report_type"):
        qs = qs.filter(report_type=filters["report_type"])
    if filters.get("overdue"):
        qs = qs.filter(status__in=[ReportStatus.ACCEPTED, ReportStatus.DISPATCHED],
                       handling_due__lt=timezone.localdate())
    if filters.get("q"):
        q = str(filters["q"]).strip()
        qs = qs.filter(Q(description__icontains=q) | Q(enterprise_name__icontains=q) | Q(address__icontains=q)
                       | Q(tracking_code=q.replace("-", "").upper()))
    return qs


def identity_visible(user: Any, report: Report) -> bool:
    return can(user, "public_reports.identity", report)


def identity_for(*, user: Any, report: Report) -> ReporterIdentity | None:
    """The reporter's identity, only for holders of ``public_reports.identity`` in scope."""
    if not identity_visible(user, report):
        return None
    return ReporterIdentity.objects.filter(report=report).first()


def duplicate_window() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "PUBLIC_REPORT_DUPLICATE_DAYS", 30)))


DUPLICATE_RADIUS_M = 300.0
DUPLICATE_TEXT_RATIO = 0.6


def duplicate_candidates(*, user: Any, report: Report, limit: int = 10) -> list[tuple[Report, list[str]]]:
    """Possible duplicates received within the window before or after this report: the same
    enterprise, a point within 300 m, or a similar text. Returns (report, reasons)."""
    window = duplicate_window()
    qs = (
        Report.objects.restrict(user, "public_reports.view")
        .exclude(pk=report.pk)
        .exclude(status__in=[ReportStatus.MERGED, ReportStatus.REJECTED])
        .filter(received_at__gte=report.received_at - window, received_at__lte=report.received_at + window)
        .select_related("enterprise")
        .order_by("received_at")[:300]
    )
    found: list[tuple[Report, list[str]]] = []
    for other in qs:
        reasons: list[str] = []
        if report.enterprise_id and other.enterprise_id == report.enterprise_id:
            reasons.append("同一企业")
        elif report.enterprise_name and other.enterprise_name and report.enterprise_name == other.enterprise_name:
            reasons.append("同一单位名称")
        if None not in (report.lng, report.lat, other.lng, other.lat):
            d = distance_m(report.lng, report.lat, other.lng, other.lat)  # type: ignore[arg-type]
            if d <= DUPLICATE_RADIUS_M:
                reasons.append(f"相距 {d:.0f} 米")
        ratio = SequenceMatcher(None, report.description[:500], other.description[:500]).ratio()
        if ratio >= DUPLICATE_TEXT_RATIO:
            reasons.append(f"内容相似 {ratio:.0%}")
        if reasons:
            found.append((other, reasons))
        if len(found) >= limit:
            break
    return found


def claims_for(report: Report) -> list[tuple[int, dt.datetime, bool]]:
    """Every reporter's claim on a matter (the report and those merged into it), in claim
    order: ``(report_id, received_at, valid)`` for ``rules.first_valid_reporter``. A claim is
    valid when the reporter gave their name and asked for a reward."""
    rows = (
        Report.objects.filter(Q(pk=report.pk) | Q(merged_into=report))
        .order_by("received_at", "id")
        .values_list("pk", "received_at", "identity__reward_consent")
    )
    return [(pk, at, bool(consent)) for pk, at, consent in rows]


def report_stats(*, user: Any, since: dt.datetime | None = None) -> dict[str, Any]:
    """Counts and rates as SQL aggregates (no Python loops over rows)."""
    qs = report_list(user=user)
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    total = qs.count()
    by_channel = list(qs.values("channel").annotate(n=Count("id")).order_by("channel"))
    by_type = list(qs.values("report_type").annotate(n=Count("id")).order_by("report_type"))
    by_area = list(qs.values("jurisdiction__name").annotate(n=Count("id")).order_by("-n")[:20])
    by_status = list(qs.values("status").annotate(n=Count("id")).order_by("status"))
    decided = qs.exclude(status__in=[ReportStatus.RECEIVED, ReportStatus.MERGED])
    n_decided = decided.count()
    n_accepted = decided.exclude(status=ReportStatus.REJECTED).count()
    verified = qs.exclude(verification="")
    n_verified = verified.count()
    n_subst = verified.filter(verification__in=[Verification.SUBSTANTIATED, Verification.PARTLY]).count()
    reply_time = qs.filter(replied_at__isnull=False, status__in=[ReportStatus.REPLIED, ReportStatus.CLOSED]).aggregate(
        avg=Avg(ExpressionWrapper(F("replied_at") - F("received_at"), output_field=DurationField()))
    )["avg"]
    return {
        "total": total,
        "by_channel": by_channel,
        "by_type": by_type,
        "by_area": by_area,
        "by_status": by_status,
        "acceptance_rate": (n_accepted / n_decided) if n_decided else None,
        "substantiation_rate": (n_subst / n_verified) if n_verified else None,
        "avg_reply_days": (reply_time.total_seconds() / 86400) if reply_time else None,
    }


def rewards_paid(*, user: Any) -> dict[str, Any]:
    """Rewards paid within the user's scope (count, sum in yuan)."""

    qs = Reward.objects.filter(report__in=report_list(user=user).values("pk"), status="paid")
    agg = qs.aggregate(n=Count("id"), total=Sum("amount"))
    return {"count": agg["n"] or 0, "total": agg["total"] or 0}


def policy_for(jurisdiction: Jurisdiction | None) -> rules.RewardPolicy:
    """The reward and time-limit policy at a place: the nearest configured one up the tree,
    else the national figures."""
    if jurisdiction is None:
        return rules.NATIONAL
    codes = [c for c in jurisdiction.path.strip("/").split("/") if c]
    configs = {c.jurisdiction.code: c for c in
               RewardPolicyConfig.objects.filter(jurisdiction__code__in=codes).select_related("jurisdiction")}
    for code in reversed(codes):
        if code in configs:
            return configs[code].to_policy()
    return rules.NATIONAL
