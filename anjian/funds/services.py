"""Writes of the funds app: the special fund ledger (append-only, reversals), the enterprises'
safety cost, custody contracts with delegated time-boxed access, and safety technology."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from anjian.accounts.models import Membership, Role
from anjian.accounts.services import membership_grant
from anjian.audit.display import register_verbs
from anjian.audit.services import Attribution, Msg, record_event
from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.core.scoping import can, forget_grants, scope_allows
from anjian.documents.attachments import attachments_add
from anjian.funds.models import (
    CampaignTarget,
    ContractStatus,
    CostRegime,
    CustodyContract,
    CustodyProvider,
    CustodyVisit,
    FundAllocation,
    FundLine,
    FundSpending,
    SafetyCostUse,
    SafetyCostYear,
    TechCampaign,
    TechInstallation,
)
from anjian.inbox import registry as due_registry
from anjian.inbox.services import due_close, due_open
from anjian.monitoring.models import Sensor
from anjian.rules import funds as rules

CUSTODY_VISIT = due_registry.register(due_registry.DueKind(
    code="funds.custody_visit", label=_("托管上门服务"), action="funds.visit", closed_by=_("填报服务记录"),
    remind_before=dt.timedelta(days=5), escalate_after=dt.timedelta(days=7),
))
TECH_MAINTENANCE = due_registry.register(due_registry.DueKind(
    code="funds.tech_maintenance", label=_("安全技术装备维护"), action="funds.tech", closed_by=_("登记维护"),
    remind_before=dt.timedelta(days=14), escalate_after=dt.timedelta(days=14),
))
TECH_CAMPAIGN = due_registry.register(due_registry.DueKind(
    code="funds.tech_campaign", label=_("安全技术推广安装"), action="funds.tech", closed_by=_("登记安装"),
    remind_before=dt.timedelta(days=14), escalate_after=dt.timedelta(days=7),
))

register_verbs([
    ("fund_line_created", _("新增预算科目")),
    ("fund_allocated", _("下达经费")),
    ("fund_allocation_reversed", _("冲销下达")),
    ("fund_spent", _("登记支出")),
    ("fund_spending_reversed", _("冲销支出")),
    ("fund_voucher_added", _("上传支出凭证")),
    ("custody_evidence_added", _("上传托管服务佐证")),
    ("safety_cost_saved", _("填报安全生产费用")),
    ("safety_cost_used", _("登记费用使用")),
    ("custody_provider_saved", _("登记托管机构")),
    ("custody_contract_registered", _("托管合同备案")),
    ("custody_contract_terminated", _("托管合同解除")),
    ("custody_contract_ended", _("托管合同到期")),
    ("custody_visit_recorded", _("托管服务记录")),
    ("tech_installed", _("登记安全技术装备")),
    ("tech_maintained", _("登记装备维护")),
    ("tech_campaign_created", _("发起安全技术推广")),
])

ZERO = Decimal(0)


def _uid(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def _positive(amount: Decimal, field: str = "amount") -> Decimal:
    amount = Decimal(amount)
    if amount <= 0:
        raise DomainError("金额须大于零", "The amount must be greater than zero", field=field)
    return amount


# --------------------------------------------------------------------------- special fund ledger


def _require_territory(actor: Any, action: str, jurisdiction: Any) -> None:
    if actor is not None and not scope_allows(actor, action, jurisdiction=jurisdiction):
        raise NotAllowed("超出您的管辖范围", "Outside your jurisdiction", field="jurisdiction")


@transaction.atomic
def line_create(*, actor: Any, owner: Any, year: int, code: str, name: str, amount: Decimal) -> FundLine:
    _require_territory(actor, "funds.manage", owner)
    if FundLine.objects.filter(owner=owner, year=year, code=code.strip()).exists():
        raise DomainError("该年度已有此科目编码", "This line code already exists for the year", field="code")
    line = FundLine.objects.create(owner=owner, year=year, code=code.strip(), name=name.strip(),
                                   amount=_positive(amount), created_by=_uid(actor))
    record_event(line, "fund_line_created", actor=actor,
                 summary=Msg(gettext_noop("新增预算科目：{line}，{amount} 元"), line=str(line), amount=str(line.amount)))
    return line


def line_allocated(line: FundLine) -> Decimal:
    return FundAllocation.objects.filter(line=line).aggregate(s=Sum("amount"))["s"] or ZERO


def allocation_spent(allocation: FundAllocation) -> Decimal:
    return FundSpending.objects.filter(allocation=allocation).aggregate(s=Sum("amount"))["s"] or ZERO


def _allocation_total(allocation: FundAllocation) -> Decimal:
    """The allocation's amount plus its reversal (0 once reversed)."""
    rev = FundAllocation.objects.filter(reverses=allocation).aggregate(s=Sum("amount"))["s"] or ZERO
    return allocation.amount + rev


@transaction.atomic
def allocation_create(*, actor: Any, line: FundLine, jurisdiction: Any, project: str, amount: Decimal,
                      note: str = "") -> FundAllocation:
    """Give money of ``line`` to a district (or the owner itself) for a project; never more than
    the line has left."""
    if actor is not None and not can(actor, "funds.manage", line):
        raise NotFoundInScope()
    line = FundLine.objects.select_for_update().get(pk=line.pk)
    if not jurisdiction.path.startswith(line.owner.path):
        raise DomainError("只能下达到本科目所属辖区及其下级", "Allocate only within the line's jurisdiction",
                          field="jurisdiction")
    amount = _positive(amount)
    if line_allocated(line) + amount > line.amount:
        raise DomainError(f"超出预算科目余额（尚可下达 {line.amount - line_allocated(line)} 元）",
                          f"More than the line has left ({line.amount - line_allocated(line)} yuan)", field="amount")
    a = FundAllocation.objects.create(line=line, jurisdiction=jurisdiction, project=project.strip(), amount=amount,
                                      note=note, created_by=_uid(actor))
    record_event(line, "fund_allocated", actor=actor, summary=Msg(
        gettext_noop("下达 {place}「{project}」{amount} 元"), place=jurisdiction.name, project=a.project, amount=str(amount)))
    return a


@transaction.atomic
def allocation_reverse(*, actor: Any, allocation: FundAllocation, reason: str) -> FundAllocation:
    """Cancel an allocation with a negative row; only an allocation with nothing spent."""
    if actor is not None and not can(actor, "funds.manage", allocation.line):
        raise NotFoundInScope()
    if not reason.strip():
        raise DomainError("请填写冲销原因", "Give the reason for the reversal", field="reason")
    allocation = FundAllocation.objects.select_for_update().get(pk=allocation.pk)
    if allocation.reverses_id or FundAllocation.objects.filter(reverses=allocation).exists():
        raise DomainError("该记录已冲销或本身是冲销记录", "Already reversed, or itself a reversal")
    if allocation_spent(allocation) != 0:
        raise DomainError("该下达已有支出，请先冲销支出", "Money was spent from it: reverse the spending first")
    rev = FundAllocation.objects.create(line=allocation.line, jurisdiction=allocation.jurisdiction,
                                        project=allocation.project, amount=-allocation.amount, note=reason.strip(),
                                        reverses=allocation, created_by=_uid(actor))
    record_event(allocation.line, "fund_allocation_reversed", actor=actor, note=reason, summary=Msg(
        gettext_noop("冲销下达「{project}」{amount} 元"), project=allocation.project, amount=str(allocation.amount)))
    return rev


@transaction.atomic
def spending_record(*, actor: Any, allocation: FundAllocation, spent_on: dt.date, amount: Decimal, voucher_no: str,
                    purpose: str, payee: str = "", files: list[Any] | None = None) -> FundSpending:
    """Pay out of an allocation, with the voucher number (and its scans, ``files``); never more
    than it has left."""
    if actor is not None and not can(actor, "funds.manage", allocation):
        raise NotFoundInScope()
    allocation = FundAllocation.objects.select_for_update().get(pk=allocation.pk)
    if allocation.reverses_id:
        raise DomainError("冲销记录不能支出", "A reversal cannot be spent from")
    amount = _positive(amount)
    if not voucher_no.strip():
        raise DomainError("请填写凭证号", "The voucher number is required", field="voucher_no")
    left = _allocation_total(allocation) - allocation_spent(allocation)
    if amount > left:
        raise DomainError(f"超出下达余额（尚余 {left} 元）", f"More than the allocation has left ({left} yuan)",
                          field="amount")
    s = FundSpending.objects.create(allocation=allocation, spent_on=spent_on, amount=amount, voucher_no=voucher_no.strip(),
                                    payee=payee.strip(), purpose=purpose.strip(), created_by=_uid(actor))
    if files:
        attachments_add(owner=s, files=files, actor=actor, role="voucher")
    record_event(allocation.line, "fund_spent", actor=actor, summary=Msg(
        gettext_noop("支出 {amount} 元（凭证 {voucher}，{project}）"), amount=str(amount), voucher=s.voucher_no,
        project=allocation.project))
    return s


@transaction.atomic
def spending_attach(*, actor: Any, spending: FundSpending, files: list[Any]) -> list[Any]:
    """Add voucher scans to a spending entry (a voucher often arrives after the payment); the
    ledger's amounts are not touched."""
    if actor is not None and not can(actor, "funds.manage", spending):
        raise NotFoundInScope()
    if not files:
        raise DomainError("请选择凭证文件", "Choose the voucher files", field="files")
    spending = FundSpending.objects.select_for_update().select_related("allocation__line").get(pk=spending.pk)
    added = attachments_add(owner=spending, files=files, actor=actor, role="voucher")
    record_event(spending.allocation.line, "fund_voucher_added", actor=actor, summary=Msg(
        gettext_noop("上传支出凭证 {n} 个（凭证 {voucher}）"), n=len(added), voucher=spending.voucher_no))
    return added


@transaction.atomic
def spending_reverse(*, actor: Any, spending: FundSpending, reason: str) -> FundSpending:
    if actor is not None and not can(actor, "funds.manage", spending):
        raise NotFoundInScope()
    if not reason.strip():
        raise DomainError("请填写冲销原因", "Give the reason for the reversal", field="reason")
    spending = FundSpending.objects.select_for_update().get(pk=spending.pk)
    if spending.reverses_id or FundSpending.objects.filter(reverses=spending).exists():
        raise DomainError("该记录已冲销或本身是冲销记录", "Already reversed, or itself a reversal")
    rev = FundSpending.objects.create(allocation=spending.allocation, spent_on=timezone.localdate(),
                                      amount=-spending.amount, voucher_no=spending.voucher_no, payee=spending.payee,
                                      purpose=reason.strip(), reverses=spending, created_by=_uid(actor))
    record_event(spending.allocation.line, "fund_spending_reversed", actor=actor, note=reason, summary=Msg(
        gettext_noop("冲销支出 {amount} 元（凭证 {voucher}）"), amount=str(spending.amount), voucher=spending.voucher_no))
    return rev


@transaction.atomic
def spending_correct(*, actor: Any, spending: FundSpending, amount: Decimal, reason: str, spent_on: dt.date | None = None,
                     voucher_no: str = "", purpose: str = "") -> FundSpending:
    """Edit a spending: reverse it and record the corrected one (the ledger keeps both)."""
    spending_reverse(actor=actor, spending=spending, reason=reason)
    return spending_record(actor=actor, allocation=spending.allocation, spent_on=spent_on or spending.spent_on,
                           amount=amount, voucher_no=voucher_no or spending.voucher_no,
                           purpose=purpose or spending.purpose, payee=spending.payee)


# --------------------------------------------------------------------------- enterprises' safety cost


@transaction.atomic
def cost_year_save(*, actor: Any, enterprise: Any, year: int, regime: str, category: str, base: Decimal,
                   extracted: Decimal, carried_over: Decimal = ZERO) -> SafetyCostYear:
    """The enterprise's figures for a year; the required extraction is computed by the standard."""
    if actor is not None and not can(actor, "funds.cost", enterprise):
        raise NotFoundInScope()
    base, extracted, carried_over = Decimal(base), Decimal(extracted), Decimal(carried_over)
    if min(base, extracted, carried_over) < 0:
        raise DomainError("金额不能为负数", "Amounts cannot be negative", field="base")
    required = None
    if regime != CostRegime.OTHER:
        try:
            required = rules.required_extraction(regime=regime, category=category, base=base)
        except rules.UnknownCategoryError as exc:
            raise DomainError("请选择正确的细分类别", "Choose a valid category", field="category") from exc
    rec, _created = SafetyCostYear.objects.update_or_create(
        enterprise=enterprise, year=year,
        defaults={"regime": regime, "category": category, "base": base, "required": required,
                  "extracted": extracted, "carried_over": carried_over, "created_by": _uid(actor)})
    record_event(enterprise, "safety_cost_saved", actor=actor, summary=Msg(
        gettext_noop("{year} 年安全生产费用：应提取 {required} 元，实际提取 {extracted} 元"), year=year,
        required=str(required if required is not None else "—"), extracted=str(extracted)))
    return rec


@transaction.atomic
def cost_use_add(*, actor: Any, record: SafetyCostYear, used_on: dt.date, use: str, amount: Decimal,
                 description: str) -> SafetyCostUse:
    if actor is not None and not can(actor, "funds.cost", record):
        raise NotFoundInScope()
    u = SafetyCostUse.objects.create(record=record, used_on=used_on, use=use, amount=_positive(amount),
                                     description=description.strip(), created_by=_uid(actor))
    record_event(record.enterprise, "safety_cost_used", actor=actor, summary=Msg(
        gettext_noop("安全生产费用使用 {amount} 元：{what}"), amount=str(u.amount), what=u.description))
    return u


# --------------------------------------------------------------------------- custody


@transaction.atomic
def provider_save(*, actor: Any, jurisdiction: Any, name: str, qualification: str, staff_count: int, capacity: int,
                  credit_code: str = "", staff: list[Any] | None = None, provider: CustodyProvider | None = None,
                  ) -> CustodyProvider:
    _require_territory(actor, "funds.custody", jurisdiction)
    if provider is not None and actor is not None and not can(actor, "funds.custody", provider):
        raise NotFoundInScope()
    fields = {"jurisdiction": jurisdiction, "name": name.strip(), "qualification": qualification.strip(),
              "staff_count": staff_count, "capacity": capacity, "credit_code": credit_code.strip()}
    if provider is None:
        provider = CustodyProvider.objects.create(created_by=_uid(actor), **fields)
    else:
        for k, v in fields.items():
            setattr(provider, k, v)
        provider.save()
    if staff is not None:
        provider.staff.set(staff)
    record_event(provider, "custody_provider_saved", actor=actor, summary=Msg(gettext_noop("登记托管机构：{name}"),
                                                                                name=provider.name))
    return provider


def acting_for(actor: Any, enterprise: Any, at: dt.datetime | None = None) -> CustodyContract | None:
    """The contract under which ``actor`` (a provider's staff member) acts for ``enterprise`` now."""
    if actor is None or not getattr(actor, "pk", None):
        return None
    at = at or timezone.now()
    return (CustodyContract.objects.filter(enterprise=enterprise, provider__staff=actor, status=ContractStatus.ACTIVE,
                                           starts_at__lte=at, ends_at__gt=at).select_related("provider").first())


def custody_attribution(obj: Any, actor: Any) -> Attribution | None:
    """For ``audit.record_event``: an event about an enterprise or one of its records (a hazard,
    a training record…) written by a provider's staff member while a contract has them act for
    that enterprise names both — the person and the enterprise in the text, ``on_behalf_of``,
    ``provider`` and ``contract`` in its data. Custody's own records name both themselves. The
    actor's contracts in force are read once per actor object (one request, one job)."""
    if obj._meta.app_label == "funds":
        return None
    enterprise_id = obj.pk if obj._meta.label_lower == "enterprises.enterprise" else getattr(obj, "enterprise_id", None)
    if not enterprise_id:
        return None
    cached = getattr(actor, "_custody_contracts", None)
    if cached is None:
        now = timezone.now()
        cached = {c.enterprise_id: c for c in CustodyContract.objects.filter(
            provider__staff=actor, status=ContractStatus.ACTIVE, starts_at__lte=now, ends_at__gt=now,
        ).select_related("provider", "enterprise")}
        actor._custody_contracts = cached
    contract = cached.get(enterprise_id)
    if contract is None or not (contract.starts_at <= timezone.now() < contract.ends_at):
        return None
    person = getattr(actor, "display_name", "") or str(actor)
    return Attribution(
        data={"on_behalf_of": contract.enterprise_id, "provider": contract.provider_id, "contract": contract.pk},
        summary=lambda what: Msg(gettext_noop("托管服务人员 {person} 代 {enterprise}：{what}"), person=person,
                                 enterprise=contract.enterprise.name, what=what))


def _visit_due(contract: CustodyContract, after: dt.date) -> None:
    due = min(_end_of(after + dt.timedelta(days=contract.visit_every_days)), contract.ends_at)
    due_open(contract, CUSTODY_VISIT.code, title=f"{contract.enterprise.name} 托管上门服务（{contract.provider.name}）",
             due_at=due, url=f"/funds/custody/{contract.pk}/", owner_enterprise=contract.enterprise,
             sector=contract.enterprise.sector)


@transaction.atomic
def contract_register(*, actor: Any, provider: CustodyProvider, enterprise: Any, number: str, starts_at: dt.datetime,
                      ends_at: dt.datetime, fee: Decimal = ZERO, services: str = "", visit_every_days: int = 30,
                      accident_prone: bool = False) -> CustodyContract:
    """File (备案) a custody contract. From ``starts_at`` to ``ends_at`` (to the minute) the
    provider's staff act for the enterprise through memberships of the custody role."""
    if actor is not None and not can(actor, "funds.custody", enterprise):
        raise NotFoundInScope()
    if actor is not None and not can(actor, "funds.view", provider):
        raise NotFoundInScope()
    if ends_at <= starts_at:
        raise DomainError("终止时间须晚于起始时间", "The end must be after the start", field="ends_at")
    limit = getattr(settings, "ANJIAN_CUSTODY_STAFF_LIMIT", rules.CUSTODY_STAFF_LIMIT)
    if not rules.custody_eligible(employees=enterprise.employees, accident_prone=accident_prone, staff_limit=limit):
        raise DomainError(f"托管对象为从业人员 {limit} 人以下或事故多发的企业",
                          f"Custody is for enterprises with fewer than {limit} staff or accident-prone ones",
                          field="enterprise")
    if CustodyContract.objects.filter(enterprise=enterprise, status=ContractStatus.ACTIVE, starts_at__lt=ends_at,
                                      ends_at__gt=starts_at).exists():
        raise DomainError("该企业在此期间已有托管合同", "The enterprise already has a contract in this period",
                          field="starts_at")
    provider = CustodyProvider.objects.select_for_update().get(pk=provider.pk)
    active = CustodyContract.objects.filter(provider=provider, status=ContractStatus.ACTIVE,
                                            ends_at__gt=timezone.now()).count()
    if provider.capacity and active >= provider.capacity:
        raise DomainError("该机构已达可托管企业数上限", "The provider is at its capacity", field="provider")
    staff = list(provider.staff.all())
    if not staff:
        raise DomainError("该机构尚未登记服务人员账号", "The provider has no staff accounts", field="provider")
    contract = CustodyContract.objects.create(
        provider=provider, enterprise=enterprise, number=number.strip(), starts_at=starts_at, ends_at=ends_at,
        fee=Decimal(fee), services=services, visit_every_days=visit_every_days, created_by=_uid(actor))
    role = Role.objects.get(code="custody")
    ids = []
    for user in staff:
        m = membership_grant(actor=None, user=user, role=role, enterprise=enterprise,
                             valid_from=timezone.localdate(starts_at), valid_until=timezone.localdate(ends_at),
                             starts_at=starts_at, ends_at=ends_at)
        ids.append(m.pk)
    contract.membership_ids = ids
    contract.save(update_fields=["membership_ids"])
    _visit_due(contract, timezone.localdate(starts_at))
    for target in (contract, enterprise):
        record_event(target, "custody_contract_registered", actor=actor, summary=Msg(
            gettext_noop("托管合同备案：{provider} 托管 {enterprise}，{start} 至 {end}"), provider=provider.name,
            enterprise=enterprise.name, start=timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M"),
            end=timezone.localtime(ends_at).strftime("%Y-%m-%d %H:%M")), data={"contract": contract.pk})
    return contract


def _cut_access(contract: CustodyContract, at: dt.datetime) -> None:
    for m in Membership.objects.select_for_update().filter(pk__in=contract.membership_ids):
        if m.ends_at is None or m.ends_at > at:
            m.ends_at = at
            m.valid_until = timezone.localdate(at)
            m.save(update_fields=["ends_at", "valid_until"])
        forget_grants(m.user)


@transaction.atomic
def contract_terminate(*, actor: Any, contract: CustodyContract, reason: str) -> CustodyContract:
    """End a contract now: the provider's access ends at this minute."""
    if actor is not None and not can(actor, "funds.custody", contract):
        raise NotFoundInScope()
    if not reason.strip():
        raise DomainError("请填写解除原因", "Give the reason", field="reason")
    contract = CustodyContract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != ContractStatus.ACTIVE:
        raise DomainError("该合同已终止", "The contract has already ended")
    now = timezone.now()
    contract.status = ContractStatus.TERMINATED
    contract.ends_at = min(contract.ends_at, now)
    contract.save(update_fields=["status", "ends_at"])
    _cut_access(contract, contract.ends_at)
    due_close(contract, CUSTODY_VISIT.code)
    record_event(contract, "custody_contract_terminated", actor=actor, note=reason, summary=Msg(
        gettext_noop("解除托管合同：{number}"), number=contract.number))
    return contract


def contracts_expire(*, now: dt.datetime | None = None) -> int:
    """Periodic: mark contracts past their end as ended and close their to-dos (their access
    already ended with ``ends_at``)."""
    now = now or timezone.now()
    n = 0
    for contract in CustodyContract.objects.filter(status=ContractStatus.ACTIVE, ends_at__lte=now):
        with transaction.atomic():
            contract.status = ContractStatus.ENDED
            contract.save(update_fields=["status"])
            due_close(contract, CUSTODY_VISIT.code)
            record_event(contract, "custody_contract_ended", actor=None,
                         summary=Msg(gettext_noop("托管合同到期：{number}"), number=contract.number))
            n += 1
    return n


@transaction.atomic
def visit_record(*, actor: Any, contract: CustodyContract, visited_on: dt.date, content: str, hazards_found: int = 0,
                 hazards_fixed: int = 0, files: list[Any] | None = None) -> CustodyVisit:
    """The provider's staff record a service visit, in the contract's time only; the record and
    its event name both the provider (and its staff member) and the enterprise."""
    acting = acting_for(actor, contract.enterprise)
    if acting is None or acting.pk != contract.pk:
        raise NotAllowed("仅托管合同有效期内的托管机构服务人员可填报", "Only the provider's staff, while the contract is in force")
    if not content.strip():
        raise DomainError("请填写服务内容", "Describe the service", field="content")
    if hazards_fixed > hazards_found:
        raise DomainError("整改数不能大于发现数", "Fixed cannot exceed found", field="hazards_fixed")
    v = CustodyVisit.objects.create(contract=contract, visited_on=visited_on, content=content.strip(),
                                    hazards_found=hazards_found, hazards_fixed=hazards_fixed, created_by=_uid(actor))
    _visit_due(contract, visited_on)
    data = {"on_behalf_of": contract.enterprise_id, "provider": contract.provider_id, "contract": contract.pk}
    if files:
        attachments_add(owner=v, files=files, actor=actor, role="evidence")
    for target in (contract, contract.enterprise):
        record_event(target, "custody_visit_recorded", actor=actor, data=data, summary=Msg(
            gettext_noop("{provider}（{person}）代 {enterprise} 填报托管服务：发现隐患 {found} 项，整改 {fixed} 项"),
            provider=contract.provider.name, person=getattr(actor, "display_name", "") or str(actor),
            enterprise=contract.enterprise.name, found=hazards_found, fixed=hazards_fixed))
    return v


@transaction.atomic
def visit_attach(*, actor: Any, visit: CustodyVisit, files: list[Any]) -> list[Any]:
    """Add evidence (photos, signed service sheets) to a visit record: only the provider's staff,
    while the contract is in force; the event names the person, the provider and the enterprise."""
    contract = visit.contract
    acting = acting_for(actor, contract.enterprise)
    if acting is None or acting.pk != contract.pk:
        raise NotAllowed("仅托管合同有效期内的托管机构服务人员可上传", "Only the provider's staff, while the contract is in force")
    if not files:
        raise DomainError("请选择佐证文件", "Choose the evidence files", field="files")
    visit = CustodyVisit.objects.select_for_update().get(pk=visit.pk)
    added = attachments_add(owner=visit, files=files, actor=actor, role="evidence")
    data = {"on_behalf_of": contract.enterprise_id, "provider": contract.provider_id, "contract": contract.pk}
    for target in (contract, contract.enterprise):
        record_event(target, "custody_evidence_added", actor=actor, data=data, summary=Msg(
            gettext_noop("{provider}（{person}）代 {enterprise} 上传托管服务佐证 {n} 个（{day}）"),
            provider=contract.provider.name, person=getattr(actor, "display_name", "") or str(actor),
            enterprise=contract.enterprise.name, n=len(added), day=str(visit.visited_on)))
    return added


# --------------------------------------------------------------------------- safety technology


def _maintenance_due(inst: TechInstallation) -> None:
    last = inst.maintained_on or inst.installed_on
    ent = inst.enterprise
    due_open(inst, TECH_MAINTENANCE.code, title=f"{ent.name} {inst.get_kind_display()} 维护",
             due_at=_end_of(last + dt.timedelta(days=inst.maintenance_every_days)), url=f"/funds/tech/?enterprise={ent.pk}",
             owner_enterprise=ent, sector=ent.sector)


@transaction.atomic
def installation_add(*, actor: Any, enterprise: Any, kind: str, installed_on: dt.date, quantity: int = 1,
                     supplier: str = "", maintained_on: dt.date | None = None, maintenance_every_days: int = 180,
                     sensor_code: str = "") -> TechInstallation:
    if actor is not None and not can(actor, "funds.tech", enterprise):
        raise NotFoundInScope()
    if installed_on > timezone.localdate():
        raise DomainError("安装日期不能晚于今天", "The installation date is in the future", field="installed_on")
    sensor_code = sensor_code.strip()
    if sensor_code and not Sensor.objects.filter(code=sensor_code, enterprise=enterprise).exists():
        raise DomainError(f"该企业没有编码为 {sensor_code} 的联网测点（请先在监测预警中登记测点）",
                          f"the enterprise has no monitoring point {sensor_code} (register it under monitoring first)",
                          field="sensor_code")
    inst = TechInstallation.objects.create(
        enterprise=enterprise, kind=kind, installed_on=installed_on, quantity=max(1, quantity), supplier=supplier.strip(),
        maintained_on=maintained_on, maintenance_every_days=maintenance_every_days, sensor_code=sensor_code.strip(),
        created_by=_uid(actor))
    _maintenance_due(inst)
    for target in CampaignTarget.objects.select_for_update().filter(enterprise=enterprise, campaign__kind=kind,
                                                                    done_at__isnull=True):
        target.done_at, target.installation = timezone.now(), inst
        target.save(update_fields=["done_at", "installation"])
        due_close(target, TECH_CAMPAIGN.code)
    contract = acting_for(actor, enterprise)
    record_event(enterprise, "tech_installed", actor=actor,
                 data={"on_behalf_of": enterprise.pk, "provider": contract.provider_id} if contract else None,
                 summary=Msg(gettext_noop("登记安全技术装备：{kind} × {n}"), kind=inst.get_kind_display(), n=inst.quantity))
    return inst


@transaction.atomic
def installation_maintain(*, actor: Any, installation: TechInstallation, maintained_on: dt.date) -> TechInstallation:
    if actor is not None and not can(actor, "funds.tech", installation):
        raise NotFoundInScope()
    inst = TechInstallation.objects.select_for_update().get(pk=installation.pk)
    if maintained_on > timezone.localdate() or maintained_on < inst.installed_on:
        raise DomainError("维护日期不正确", "The maintenance date is not valid", field="maintained_on")
    inst.maintained_on = maintained_on
    inst.save(update_fields=["maintained_on"])
    _maintenance_due(inst)
    record_event(inst.enterprise, "tech_maintained", actor=actor, summary=Msg(
        gettext_noop("装备维护：{kind}，{day}"), kind=inst.get_kind_display(), day=str(maintained_on)))
    return inst


@transaction.atomic
def campaign_create(*, actor: Any, jurisdiction: Any, name: str, kind: str, deadline: dt.date, enterprises: list[Any],
                    description: str = "") -> TechCampaign:
    """A campaign to equip enterprises: each one not yet equipped gets a to-do in its own inbox."""
    _require_territory(actor, "funds.campaign", jurisdiction)
    if deadline < timezone.localdate():
        raise DomainError("完成期限不能早于今天", "The deadline is in the past", field="deadline")
    if not enterprises:
        raise DomainError("请选择推广对象企业", "Choose the enterprises", field="enterprises")
    for ent in enterprises:
        if not ent.jurisdiction.path.startswith(jurisdiction.path) or (
                actor is not None and not can(actor, "funds.campaign", ent)):
            raise NotFoundInScope()
    c = TechCampaign.objects.create(name=name.strip(), kind=kind, jurisdiction=jurisdiction, deadline=deadline,
                                    description=description, created_by=_uid(actor))
    for ent in enterprises:
        inst = TechInstallation.objects.filter(enterprise=ent, kind=kind).first()
        t = CampaignTarget.objects.create(campaign=c, enterprise=ent, installation=inst,
                                          done_at=timezone.now() if inst else None)
        if inst is None:
            due_open(t, TECH_CAMPAIGN.code, title=f"{c.name}：{ent.name} 安装{c.get_kind_display()}",
                     due_at=_end_of(deadline), url=f"/funds/tech/new/?enterprise={ent.pk}&kind={kind}",
                     owner_enterprise=ent, sector=ent.sector)
    record_event(c, "tech_campaign_created", actor=actor, summary=Msg(
        gettext_noop("发起安全技术推广：{name}，{n} 家企业"), name=c.name, n=len(enterprises)))
    return c


__all__ = [
    "CUSTODY_VISIT",
    "TECH_CAMPAIGN",
    "TECH_MAINTENANCE",
    "acting_for",
    "allocation_create",
    "allocation_reverse",
    "campaign_create",
    "contract_register",
    "contract_terminate",
    "contracts_expire",
    "cost_use_add",
    "cost_year_save",
    "installation_add",
    "installation_maintain",
    "line_create",
    "provider_save",
    "spending_attach",
    "spending_correct",
    "spending_record",
    "spending_reverse",
    "visit_attach",
    "visit_record",
]
