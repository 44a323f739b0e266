"""Writes for rewards (举报奖励): proposal with the amount from the rules and the first valid
reporter, approval by a second person, notice with the claim deadline, payment with receipt,
lapse. Every step is one transaction with row history and a timeline event on the report.
Events name the claimant's *tracking code*, never the person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from anjian.audit.services import Msg, record_event
from anjian.core.errors import DomainError, InvalidTransition, NotAllowed, NotFoundInScope
from anjian.core.scoping import can, scope_allows
from anjian.documents.attachments import attachments_add
from anjian.hazards.models import Hazard, HazardPenalty
from anjian.orgs.models import Jurisdiction
from anjian.public_reports.models import (
    Report,
    ReportStatus,
    ReportType,
    Reward,
    RewardPolicyConfig,
    RewardStatus,
    Verification,
)
from anjian.public_reports.selectors import claims_for, policy_for
from anjian.rules import rewards as rules

ACTION = "public_reports.reward"
R = RewardStatus


def _require(actor: Any, report: Report) -> None:
    if actor is None:
        return
    if not can(actor, "public_reports.view", report):
        raise NotFoundInScope()
    if not can(actor, ACTION, report):
        raise NotAllowed("您无权办理举报奖励", "You may not handle rewards")


def _lock(reward: Reward, actor: Any) -> Reward:
    locked = Reward.objects.select_for_update().select_related("report", "claimant").get(pk=reward.pk)
    _require(actor, locked.report)
    return locked


def _save(reward: Reward, reason: str, fields: list[str]) -> None:
    reward._change_reason = reason  # type: ignore[attr-defined]
    reward.save(update_fields=fields)


def _rule_error(exc: rules.RewardRuleError) -> DomainError:
    return DomainError(exc.zh, exc.en, field="amount")


def decided_fine(report: Report) -> tuple[Decimal, list[str]] | None:
    """The fine decided about the hazard the report led to — the penalty decisions recorded against
    it (the enforcement case's 行政处罚决定书 records itself there) — with their numbers; None
    when the report links no hazard or no decision is recorded yet."""
    if report.link_type_id != ContentType.objects.get_for_model(Hazard).pk or not report.link_id:
        return None
    rows = HazardPenalty.objects.filter(hazard_id=report.link_id)
    numbers = list(rows.order_by("decided_on", "id").values_list("document_number", flat=True))
    if not numbers:
        return None
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal(0), numbers


@transaction.atomic
def reward_propose(*, actor: Any, report: Report, note: str = "") -> Reward:
    """Propose the reward for a verified matter: the amount from ``report_reward`` under the
    place's policy, for the first valid reporter among the report and its merged duplicates."""
    r = Report.objects.select_for_update().get(pk=report.pk)
    _require(actor, r)
    if r.status not in (ReportStatus.VERIFIED, ReportStatus.REPLIED, ReportStatus.CLOSED):
        raise InvalidTransition("举报核实后才能拟定奖励", "A reward is proposed after verification")
    if r.verification not in (Verification.SUBSTANTIATED, Verification.PARTLY):
        raise InvalidTransition("举报不属实，不予奖励", "The report was not substantiated")
    if Reward.objects.filter(report=r).exists():
        raise InvalidTransition("该事项已拟定奖励", "A reward already exists for this matter")
    policy = policy_for(r.jurisdiction)
    try:
        if r.report_type == ReportType.CONCEALED_ACCIDENT:
            kind = rules.KIND_CONCEALED_ACCIDENT
            amount = rules.report_reward(kind=kind, deaths=r.deaths, grade=r.accident_grade or None, policy=policy)
            basis = f"瞒报谎报{r.accident_grade}事故，死亡 {r.deaths} 人"
        elif r.report_type in (ReportType.HAZARD, ReportType.ILLEGAL_OPERATION):
            kind = rules.KIND_VIOLATION
            decided = decided_fine(r)  # the penalty decision wins over the fine noted at verification
            fine = decided[0] if decided else r.fine_yuan
            amount = rules.report_reward(kind=kind, fine_yuan=fine, policy=policy)
            basis = f"罚款 {fine or 0} 元 × {policy.violation_rate}（{policy.violation_min}–{policy.violation_max} 元）"
            if decided:
                basis += f"，处罚决定书 {'、'.join(decided[1])}"
        else:
            raise InvalidTransition("此类举报不适用举报奖励办法", "This type of report earns no reward")
    except rules.RewardRuleError as exc:
        raise _rule_error(exc) from exc
    winner = rules.first_valid_reporter(claims_for(r))
    if winner is None:
        raise InvalidTransition("没有实名并申请奖励的举报人", "No reporter gave their name and asked for a reward")
    claimant = Report.objects.get(pk=winner[0])
    reward = Reward(report=r, claimant=claimant, kind=kind, basis=basis[:300], amount=amount,
                    proposed_by=actor if getattr(actor, "pk", None) else None)
    reward._change_reason = gettext_noop("拟定奖励")  # type: ignore[attr-defined]
    reward.save()
    record_event(r, "public_report.reward_proposed", actor=actor, summary=Msg(gettext_noop("拟定举报奖励 {amount} 元（{basis}）"), amount=amount,
                                                                                  basis=basis),
                 note=note, data={"amount": str(amount), "claimant_report": claimant.display_code, "kind": kind})
    return reward


@transaction.atomic
def reward_approve(*, actor: Any, reward: Reward, approve: bool, note: str = "") -> Reward:
    rw = _lock(reward, actor)
    if rw.status != R.PROPOSED:
        raise InvalidTransition("奖励不在待审批状态", "The reward is not awaiting approval")
    if actor is not None and rw.proposed_by_id == getattr(actor, "pk", None):
        raise NotAllowed("奖励须由拟奖人以外的人审批", "Someone other than the proposer must approve")
    if not approve and not note.strip():
        raise InvalidTransition("不予奖励须说明理由", "Give the reason", field="note")
    rw.status = R.APPROVED if approve else R.REFUSED
    rw.approved_by = actor if getattr(actor, "pk", None) else None
    rw.approved_at = timezone.now()
    _save(rw, gettext_noop("批准奖励") if approve else gettext_noop("不予奖励"), ["status", "approved_by", "approved_at"])
    record_event(rw.report, f"public_report.reward_{'approved' if approve else 'refused'}", actor=actor,
                 summary=Msg(gettext_noop("批准举报奖励 {amount} 元") if approve else gettext_noop("不批准举报奖励 {amount} 元"),
                             amount=rw.amount), note=note)
    return rw


@transaction.atomic
def reward_notify(*, actor: Any, reward: Reward, notified_on: dt.date | None = None) -> Reward:
    """The reporter has been told (through their chosen channel); the claim period starts."""
    rw = _lock(reward, actor)
    if rw.status != R.APPROVED:
        raise InvalidTransition("奖励批准后才能通知领取", "Notify after approval")
    rw.notified_on = notified_on or timezone.localdate()
    rw.claim_deadline = rules.claim_deadline(rw.notified_on, policy=policy_for(rw.report.jurisdiction))
    rw.status = R.NOTIFIED
    _save(rw, gettext_noop("通知领取"), ["notified_on", "claim_deadline", "status"])
    record_event(rw.report, "public_report.reward_notified", actor=actor,
                 summary=Msg(gettext_noop("通知举报人领取奖励，截止 {due}"), due=rw.claim_deadline))
    return rw


@transaction.atomic
def reward_pay(
    *, actor: Any, reward: Reward, paid_on: dt.date, method: str, payment_ref: str = "", receipt: Iterable[Any] = (),
) -> Reward:
    rw = _lock(reward, actor)
    if rw.status != R.NOTIFIED:
        raise InvalidTransition("通知领取后才能发放", "Pay after notice")
    if rw.claim_deadline is not None and paid_on > rw.claim_deadline:
        raise InvalidTransition("已超过领取期限", "The claim period has ended", field="paid_on")
    if not method.strip():
        raise DomainError("请填写发放方式", "Give the payment method", field="method")
    rw.paid_on, rw.method, rw.payment_ref, rw.status = paid_on, method.strip()[:40], payment_ref.strip()[:100], R.PAID
    _save(rw, gettext_noop("发放奖励"), ["paid_on", "method", "payment_ref", "status"])
    files = list(receipt)
    if files:
        attachments_add(owner=rw.report, files=files, actor=actor, role="reward_receipt")
    record_event(rw.report, "public_report.reward_paid", actor=actor,
                 summary=Msg(gettext_noop("发放举报奖励 {amount} 元（{method}）"), amount=rw.amount, method=rw.method), data={"paid_on": paid_on.isoformat()})
    return rw


@transaction.atomic
def reward_lapse(*, actor: Any, reward: Reward) -> Reward:
    rw = _lock(reward, actor)
    if rw.status != R.NOTIFIED or rw.claim_deadline is None or timezone.localdate() <= rw.claim_deadline:
        raise InvalidTransition("领取期限未过", "The claim period has not ended")
    rw.status = R.LAPSED
    _save(rw, "逾期未领", ["status"])
    record_event(rw.report, "public_report.reward_lapsed", actor=actor, summary=Msg(gettext_noop("举报人逾期未领取奖励")))
    return rw


POLICY_FIELDS = (
    "violation_rate", "violation_min", "violation_max", "minimum_without_fine", "per_death_general",
    "per_death_larger", "per_death_major", "per_death_extra", "concealed_cap", "claim_period_days",
    "handling_days", "handling_extension_days", "feedback_days",
)


@transaction.atomic
def reward_policy_set(*, actor: Any, jurisdiction: Jurisdiction, values: dict[str, Any]) -> RewardPolicyConfig:
    """Set a jurisdiction's reward policy (checked against the rules' own validation)."""

    if actor is not None and not scope_allows(actor, ACTION, jurisdiction=jurisdiction):
        raise NotAllowed("您无权设置该辖区的奖励标准", "You may not set this jurisdiction's policy")
    config = RewardPolicyConfig.objects.select_for_update().filter(jurisdiction=jurisdiction).first()
    config = config or RewardPolicyConfig(jurisdiction=jurisdiction)
    for name in POLICY_FIELDS:
        if name in values and values[name] is not None:
            setattr(config, name, values[name] if not isinstance(values[name], float) else Decimal(str(values[name])))
    try:
        config.to_policy()
    except rules.RewardRuleError as exc:
        raise _rule_error(exc) from exc
    config._change_reason = "设置举报奖励标准"  # type: ignore[attr-defined]
    config.save()
    record_event(config, "public_report.policy_set", actor=actor, summary=Msg(gettext_noop("设置 {place} 举报奖励标准"), place=jurisdiction.name),
                 data={n: str(getattr(config, n)) for n in POLICY_FIELDS})
    return config
