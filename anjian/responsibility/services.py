"""Writes for responsibility letters and the assessment (keyword arguments, ``actor`` first, one
transaction, a timeline event, the to-dos of whoever must act next)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from anjian.audit.display import register_verbs
from anjian.audit.services import Msg, record_event
from anjian.core.errors import DomainError, NotAllowed, NotFoundInScope
from anjian.core.scoping import can, scope_allows
from anjian.documents.attachments import attachments_add
from anjian.documents.models import DocumentSeries
from anjian.documents.numbering import number_issue
from anjian.enterprises.models import Enterprise
from anjian.inbox import registry as due_registry
from anjian.inbox.models import DueItem
from anjian.inbox.services import due_close, due_open
from anjian.jobs.registry import job_handler
from anjian.jobs.services import JobRejected, job_start
from anjian.orgs.models import Department, DepartmentKind, Jurisdiction, JurisdictionLevel
from anjian.responsibility import figures
from anjian.responsibility.models import (
    AckMethod,
    Indicator,
    Letter,
    LetterLevel,
    LetterStatus,
    LetterTarget,
    LetterTemplate,
    Policy,
    Result,
    ResultStatus,
    Round,
    RoundStatus,
    Scheme,
    Score,
    Stage,
    SubjectKind,
    TemplateStatus,
)
from anjian.responsibility.policy import city_of, policy_for
from anjian.rules import assessment as rules

DUE_ACK = "responsibility.letter_ack"
DUE_SELF = "responsibility.self"
DUE_REVIEW = "responsibility.review"

for _code, _label, _action, _closed_by in [
    (DUE_ACK, gettext_lazy("责任书待签收"), "responsibility.ack", gettext_lazy("签收责任书")),
    (DUE_SELF, gettext_lazy("考核待自评"), "responsibility.self", gettext_lazy("提交自评")),
    (DUE_REVIEW, gettext_lazy("考核自评/申诉待审核"), "responsibility.assess", gettext_lazy("审核评分")),
]:
    due_registry.register(due_registry.DueKind(code=_code, label=_label, action=_action, closed_by=_closed_by,
                                               remind_before=dt.timedelta(days=3)))

register_verbs([
    ("responsibility.template", gettext_lazy("登记责任书模板")),
    ("responsibility.issued", gettext_lazy("下达责任书")),
    ("responsibility.acknowledged", gettext_lazy("签收责任书")),
    ("responsibility.scheme", gettext_lazy("制定考核方案")),
    ("responsibility.computed", gettext_lazy("自动评分")),
    ("responsibility.self", gettext_lazy("提交自评")),
    ("responsibility.reviewed", gettext_lazy("审核评分")),
    ("responsibility.appealed", gettext_lazy("提出申诉")),
    ("responsibility.published", gettext_lazy("公布考核结果")),
    ("responsibility.indicators", gettext_lazy("修改考核指标")),
    ("responsibility.policy", gettext_lazy("修改责任体系设置")),
    ("responsibility.issue_started", gettext_lazy("开始批量下达责任书")),
])


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _require_at(actor: Any, action: str, jurisdiction: Jurisdiction) -> None:
    if actor is not None and not scope_allows(actor, action, jurisdiction=jurisdiction):
        raise NotAllowed("您无权在该辖区办理", "You may not do this here")


def _lock(model: Any, obj: Any, actor: Any, action: str = "responsibility.view") -> Any:
    row = model.objects.select_for_update().filter(pk=obj.pk).first()
    if row is None or (actor is not None and not can(actor, action, row)):
        raise NotFoundInScope()
    return row


# --- letters -----------------------------------------------------------------------------------


LEVEL_AREA = {LetterLevel.CITY_DISTRICT: JurisdictionLevel.CITY, LetterLevel.CITY_DEPARTMENT: JurisdictionLevel.CITY,
              LetterLevel.DISTRICT_STREET: JurisdictionLevel.DISTRICT, LetterLevel.STREET_ENTERPRISE: JurisdictionLevel.STREET}


def post_names(text: str) -> list[str]:
    """The posts of an enterprise's template, one a line, blanks and repeats dropped."""
    out: list[str] = []
    for line in text.splitlines():
        name = line.strip()[:100]
        if name and name not in out:
            out.append(name)
    return out


@transaction.atomic
def template_create(
    *, actor: Any, year: int, level: str, title: str, jurisdiction: Jurisdiction | None = None, issuer: str, body: str,
    targets: Sequence[Mapping[str, Any]], ack_days: int | None = None, enterprise: Enterprise | None = None,
    posts: str = "",
) -> LetterTemplate:
    """A year's letter template of one level with its targets (``metric``, ``comparator``,
    ``value``, ``text``). An enterprise's letters to its posts (企业→岗位) name the ``enterprise``
    (the enterprise's own users act for it) and its ``posts``, one a line."""
    if level not in LetterLevel.values:
        raise DomainError("签订层级无效", "Invalid level", field="level")
    if level == LetterLevel.ENTERPRISE_POST:
        if enterprise is None:
            raise DomainError("须选择下达企业", "Choose the enterprise", field="enterprise")
        if actor is not None and not (scope_allows(actor, "enterprises.change", enterprise=enterprise)
                                      or scope_allows(actor, "responsibility.manage", jurisdiction=enterprise.jurisdiction)):
            raise NotAllowed("您无权为该企业下达岗位责任书", "You may not issue post letters for this enterprise")
        jurisdiction = enterprise.jurisdiction
        if not post_names(posts):
            raise DomainError("至少填写一个岗位", "Name at least one post", field="posts")
    else:
        if jurisdiction is None:
            raise DomainError("须选择下达辖区", "Choose the issuing area", field="jurisdiction")
        _require_at(actor, "responsibility.manage", jurisdiction)
        if jurisdiction.level != LEVEL_AREA[LetterLevel(level)]:
            raise DomainError("下达辖区与签订层级不符", "The issuing area does not match the level", field="jurisdiction")
        enterprise, posts = None, ""
    if not title.strip() or not body.strip():
        raise DomainError("须填写名称与责任内容", "Title and content are required", field="title")
    t = LetterTemplate.objects.create(year=year, level=level, title=title.strip(), jurisdiction=jurisdiction,
                                      enterprise=enterprise, posts="\n".join(post_names(posts)),
                                      issuer=issuer.strip(), body=body.strip(), created_by=_user(actor),
                                      ack_days=ack_days or policy_for(jurisdiction).ack_days)
    for spec in targets:
        if spec["metric"] not in rules.Metric.__members__.values() or spec["comparator"] not in ("le", "ge", "deduct"):
            raise DomainError("目标指标无效", "Invalid target", field="targets")
        LetterTarget.objects.create(template=t, metric=spec["metric"], comparator=spec["comparator"],
                                    value=Decimal(str(spec["value"])), text=str(spec.get("text") or "")[:200])
    record_event(t, "responsibility.template", actor=actor,
                 summary=Msg(gettext_noop("{year}年「{title}」，目标 {n} 项"), year=year, title=t.title, n=len(targets)))
    return t


def recipients_of(template: LetterTemplate) -> list[Jurisdiction | Department | Enterprise | str]:
    """Who signs a template's letters: every district, department, street or enterprise of its
    level, or (企业→岗位) each post named on the template."""
    jur = template.jurisdiction
    if template.level == LetterLevel.ENTERPRISE_POST:
        return list(post_names(template.posts))
    if template.level == LetterLevel.CITY_DISTRICT:
        return list(Jurisdiction.objects.filter(parent=jur, level=JurisdictionLevel.DISTRICT, is_active=True)
                    .order_by("code"))
    if template.level == LetterLevel.CITY_DEPARTMENT:
        return list(Department.objects.filter(jurisdiction=jur, is_active=True)
                    .exclude(kind__in=[DepartmentKind.COMMITTEE_OFFICE, DepartmentKind.STREET_OFFICE]).order_by("name"))
    if template.level == LetterLevel.DISTRICT_STREET:
        return list(Jurisdiction.objects.filter(parent=jur, level=JurisdictionLevel.STREET, is_active=True)
                    .order_by("code"))
    return list(Enterprise.objects.filter(jurisdiction__path__startswith=jur.path, status="operating").order_by("name"))


def _letter_owner(letter: Letter) -> dict[str, Any]:
    if letter.enterprise_id:
        return {"owner_enterprise": letter.enterprise, "owner_jurisdiction": letter.jurisdiction}
    if letter.department_id:
        return {"owner_department": letter.department}
    return {"owner_jurisdiction": letter.jurisdiction}


def _unit_key(unit: Any) -> tuple[str, Any]:
    return (type(unit).__name__, unit if isinstance(unit, str) else unit.pk)


def _letter_key(lt: Letter) -> tuple[str, Any]:
    if lt.post:
        return ("str", lt.post)
    if lt.enterprise_id:
        return ("Enterprise", lt.enterprise_id)
    if lt.department_id:
        return ("Department", lt.department_id)
    return ("Jurisdiction", lt.jurisdiction_id)


def _issue_check(actor: Any, t: LetterTemplate, series: Any) -> None:
    _area_check(actor, t)
    if series is not None and actor is not None and not can(actor, "documents.issue", series):
        raise NotAllowed("您无权使用该文号序列", "You may not take numbers from this series")
    if series is None and t.level != LetterLevel.ENTERPRISE_POST:
        raise DomainError("请选择编号序列", "Choose a numbering series", field="series")


def _area_check(actor: Any, t: LetterTemplate) -> None:
    if t.level == LetterLevel.ENTERPRISE_POST:
        if actor is not None and not (scope_allows(actor, "enterprises.change", enterprise=t.enterprise)
                                      or scope_allows(actor, "responsibility.manage", jurisdiction=t.jurisdiction)):
            raise NotAllowed("您无权为该企业下达岗位责任书", "You may not issue post letters for this enterprise")
    else:
        _require_at(actor, "responsibility.manage", t.jurisdiction)


def _issue_one(*, actor: Any, t: LetterTemplate, series: Any, unit: Any, issued_on: dt.date, ack_due: dt.date,
               ct: Any, remind_days: int) -> Letter:
    post = ""
    if isinstance(unit, str):
        jur, dept, ent, post, name = t.jurisdiction, None, t.enterprise, unit, unit
    elif isinstance(unit, Department):
        jur, dept, ent, name = unit.jurisdiction, unit, None, unit.name
    elif isinstance(unit, Enterprise):
        jur, dept, ent, name = unit.jurisdiction, None, unit, unit.name
    else:
        jur, dept, ent, name = unit, None, None, unit.name
    issued = None
    if series is not None:
        issued = number_issue(series=series, actor=actor, year=t.year, title=f"{t.title}（{name}）")
        number = issued.text
    else:  # an enterprise numbers its post letters itself: year, template and sequence
        number = f"{t.year}-{t.pk}-{t.letters.count() + 1:03d}"
    letter = Letter.objects.create(template=t, number=number, jurisdiction=jur, department=dept, enterprise=ent,
                                   post=post, recipient_name=name, issued_on=issued_on, ack_due=ack_due)
    if issued is not None:
        issued.content_type, issued.object_id = ct, str(letter.pk)
        issued.save(update_fields=["content_type", "object_id"])
    due = due_open(letter, DUE_ACK, title=f"责任书待签收：{t.title}（{letter.number}）", due_at=_end_of(ack_due),
                   url=reverse("responsibility:letter", args=[letter.pk]), **_letter_owner(letter))
    # the city's reminder lead time (settings page) instead of the kind's default
    DueItem.objects.filter(pk=due.pk).update(remind_at=_end_of(ack_due) - dt.timedelta(days=remind_days))
    return letter


def _issue_dates(t: LetterTemplate, issued_on: dt.date | None) -> tuple[dt.date, dt.date]:
    issued_on = issued_on or timezone.localdate()
    if issued_on > timezone.localdate():
        raise DomainError("下达日期不能晚于今天", "The issue date cannot be in the future", field="issued_on")
    return issued_on, issued_on + dt.timedelta(days=t.ack_days)


def _issued(actor: Any, t: LetterTemplate, n: int, ack_due: dt.date) -> None:
    if t.status != TemplateStatus.ISSUED:
        t.status = TemplateStatus.ISSUED
        t.save(update_fields=["status"])
    record_event(t, "responsibility.issued", actor=actor,
                 summary=Msg(gettext_noop("下达 {n} 份，签收期限 {due}"), n=n, due=ack_due))


def may_issue(user: Any, t: LetterTemplate) -> bool:
    """Whether the user may issue this template's letters (the page shows the button)."""
    try:
        _area_check(user, t)
    except DomainError:
        return False
    return True


def recipients_left(t: LetterTemplate) -> list[Any]:
    """Recipients of the level who have no letter of this template yet."""
    done = {_letter_key(lt) for lt in t.letters.all()}
    return [u for u in recipients_of(t) if _unit_key(u) not in done]


@transaction.atomic
def letters_issue(*, actor: Any, template: LetterTemplate, series: Any = None,
                  recipients: Iterable[Any] | None = None, issued_on: dt.date | None = None) -> list[Letter]:
    """Issue the template to all recipients of its level (or the ones given), in this transaction:
    one numbered letter each, and a to-do in each recipient's inbox to acknowledge it by
    ``ack_days`` after ``issued_on`` (today, or the date of letters handed out on paper and
    recorded later). The page issues to a whole level through :func:`letters_issue_start` (a job)."""
    t = _lock(LetterTemplate, template, actor)
    _issue_check(actor, t, series)
    everyone = recipients_of(t)
    wanted = everyone if recipients is None else list(recipients)
    allowed = {_unit_key(u) for u in everyone}
    if any(_unit_key(u) not in allowed for u in wanted):
        raise DomainError("责任单位不属于该层级", "A recipient is not of this level", field="recipients")
    done = {_letter_key(lt) for lt in t.letters.all()}
    issued_on, ack_due = _issue_dates(t, issued_on)
    ct = ContentType.objects.get_for_model(Letter)
    remind = policy_for(t.jurisdiction).ack_remind_days
    letters = [_issue_one(actor=actor, t=t, series=series, unit=u, issued_on=issued_on, ack_due=ack_due, ct=ct,
                          remind_days=remind) for u in wanted if _unit_key(u) not in done]
    if not letters:
        raise DomainError("没有需要下达的责任单位", "Nobody left to issue to", field="recipients")
    _issued(actor, t, len(letters), ack_due)
    return letters


ISSUE_JOB = "responsibility.issue_letters"


@transaction.atomic
def letters_issue_start(*, actor: Any, template: LetterTemplate, series: Any = None,
                        issued_on: dt.date | None = None) -> Any:
    """Bulk issue to every recipient of the template's level as a background job (progress on the
    job page): checks what can be checked now, then the job issues one letter per transaction."""
    t = _lock(LetterTemplate, template, actor)
    _issue_check(actor, t, series)
    issued_on, _due = _issue_dates(t, issued_on)
    done = {_letter_key(lt) for lt in t.letters.all()}
    left = [u for u in recipients_of(t) if _unit_key(u) not in done]
    if not left:
        raise DomainError("没有需要下达的责任单位", "Nobody left to issue to", field="recipients")
    record_event(t, "responsibility.issue_started", actor=actor,
                 summary=Msg(gettext_noop("批量下达 {n} 份"), n=len(left)))
    return job_start(ISSUE_JOB, actor=actor, title=f"下达责任书：{t.title}",
                     params={"template": t.pk, "series": getattr(series, "pk", None), "issued_on": issued_on.isoformat()})


@job_handler(ISSUE_JOB, results={"issued": gettext_lazy("下达份数"), "skipped": gettext_lazy("已下达过")})
def _issue_job(job: Any, progress: Any) -> dict[str, Any]:
    actor = job.created_by
    t = LetterTemplate.objects.filter(pk=job.params["template"]).first()
    if t is None:
        raise JobRejected("责任书模板不存在 / the template no longer exists", {"issued": 0})
    series_pk = job.params.get("series")
    series = None
    if series_pk is not None:
        series = DocumentSeries.objects.get(pk=series_pk)
    issued_on = dt.date.fromisoformat(job.params["issued_on"])
    ack_due = issued_on + dt.timedelta(days=t.ack_days)
    units = recipients_of(t)
    progress.set_total(len(units), "下达中 / issuing")
    ct = ContentType.objects.get_for_model(Letter)
    remind = policy_for(t.jurisdiction).ack_remind_days
    issued = skipped = 0
    for n, unit in enumerate(units, start=1):
        with transaction.atomic():
            locked = LetterTemplate.objects.select_for_update().get(pk=t.pk)
            if _unit_key(unit) in {_letter_key(lt) for lt in locked.letters.all()}:
                skipped += 1
            else:
                _issue_check(actor, locked, series)
                _issue_one(actor=actor, t=locked, series=series, unit=unit, issued_on=issued_on, ack_due=ack_due,
                           ct=ct, remind_days=remind)
                issued += 1
        progress.advance(n)
    if issued:
        with transaction.atomic():
            _issued(actor, LetterTemplate.objects.select_for_update().get(pk=t.pk), issued, ack_due)
    return {"issued": issued, "skipped": skipped, "template": t.pk}


@transaction.atomic
def letter_acknowledge(*, actor: Any, letter: Letter, method: str = AckMethod.ONLINE, signatory: str = "",
                       files: Iterable[Any] = ()) -> Letter:
    """The recipient acknowledges: online, or by uploading the stamped scan (required then)."""
    lt = _lock(Letter, letter, actor, "responsibility.ack")
    if lt.status == LetterStatus.ACKNOWLEDGED:
        raise DomainError("该责任书已签收", "Already acknowledged", field="letter")
    files = list(files)
    if method not in AckMethod.values:
        raise DomainError("签收方式无效", "Invalid method", field="method")
    if lt.post and method != AckMethod.SCAN:
        raise DomainError("岗位责任书须上传岗位责任人签字的扫描件", "A post letter needs the holder's signed scan",
                          field="method")
    if method == AckMethod.SCAN and not files:
        raise DomainError("请上传盖章扫描件", "Upload the stamped scan", field="files")
    if not signatory.strip():
        raise DomainError("须填写责任人", "The signatory is required", field="signatory")
    lt.status = LetterStatus.ACKNOWLEDGED
    lt.acknowledged_at = timezone.now()
    lt.ack_method = method
    lt.ack_by = _user(actor)
    lt.signatory = signatory.strip()[:50]
    lt._change_reason = "签收"  # type: ignore[attr-defined]
    lt.save()
    if files:
        attachments_add(owner=lt, files=files, actor=actor)
    record_event(lt, "responsibility.acknowledged", actor=actor,
                 summary=Msg(gettext_noop("{unit} 签收（{how}），责任人 {who}"), unit=lt.recipient_name,
                             how=AckMethod(method).label, who=lt.signatory))
    due_close(lt, DUE_ACK)
    return lt


# --- assessment --------------------------------------------------------------------------------


RATE_METRICS = {rules.Metric.HAZARD_RECTIFICATION, rules.Metric.TASKS_ON_TIME, rules.Metric.LETTER_ACKNOWLEDGED,
                rules.Metric.REPORTS_ON_TIME}
TOTAL_POINTS = Decimal(100)


def _dec(value: Any, zh: str, en: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except ArithmeticError as exc:
        raise DomainError(zh, en, field="indicators") from exc
    if not d.is_finite():
        raise DomainError(zh, en, field="indicators")
    return d


def indicators_clean(indicators: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Check a two-level indicator set and return it normalised, or refuse with the first fault:
    at least one group, each with a name and scored children; each child a name, points > 0, a
    known scoring rule; a rate's standard within 0–100; a deduction per item > 0 and not above the
    indicator's points; a group's points (when given) equal to its children's; all points sum to 100."""
    if not indicators:
        raise DomainError("至少设置一个指标", "Add at least one indicator", field="indicators")
    out: list[dict[str, Any]] = []
    total = Decimal(0)
    for group in indicators:
        gname = str(group.get("name") or "").strip()
        children = list(group.get("children") or [])
        if not gname:
            raise DomainError("一级指标须有名称", "A first-level indicator needs a name", field="indicators")
        if not children:
            raise DomainError(f"一级指标「{gname}」下至少设置一个二级指标",
                              f"'{gname}' needs at least one second-level indicator", field="indicators")
        kids = []
        for child in children:
            name = str(child.get("name") or "").strip()
            if not name:
                raise DomainError(f"「{gname}」下有二级指标未填名称", f"An indicator under '{gname}' has no name",
                                  field="indicators")
            points = _dec(child.get("points"), f"「{name}」分值无效", f"Invalid points for '{name}'")
            if points <= 0 or points > TOTAL_POINTS:
                raise DomainError(f"「{name}」分值须大于 0 且不超过 100", f"Points for '{name}' must be within (0, 100]",
                                  field="indicators")
            metric = str(child.get("metric") or rules.Metric.MANUAL)
            if metric not in [m.value for m in rules.Metric]:
                raise DomainError(f"「{name}」评分方式无效", f"Invalid scoring rule for '{name}'", field="indicators")
            comparator = str(child.get("comparator") or rules.DEFAULT_COMPARATOR[rules.Metric(metric)].value)
            if comparator not in [c.value for c in rules.Comparator]:
                raise DomainError(f"「{name}」比较方式无效", f"Invalid comparison for '{name}'", field="indicators")
            threshold = _dec(child.get("threshold", 0) or 0, f"「{name}」标准值无效", f"Invalid standard for '{name}'")
            if metric != rules.Metric.MANUAL:
                if threshold < 0:
                    raise DomainError(f"「{name}」标准值不能为负数", f"The standard for '{name}' cannot be negative",
                                      field="indicators")
                if comparator == rules.Comparator.AT_LEAST and metric in RATE_METRICS and threshold > 100:
                    raise DomainError(f"「{name}」比率标准值须在 0 至 100 之间", f"The rate for '{name}' must be within 0–100",
                                      field="indicators")
                if comparator == rules.Comparator.DEDUCT and not (0 < threshold <= points):
                    raise DomainError(f"「{name}」每项扣分须大于 0 且不超过该项分值",
                                      f"The deduction per item for '{name}' must be within (0, its points]",
                                      field="indicators")
            else:
                comparator, threshold = rules.Comparator.AT_LEAST.value, Decimal(0)
            kids.append({"name": name[:200], "points": points, "metric": metric, "comparator": comparator,
                         "threshold": threshold, "rule": str(child.get("rule") or "")[:300]})
        gsum = sum((k["points"] for k in kids), Decimal(0))
        if group.get("points") not in (None, ""):
            given = _dec(group["points"], f"「{gname}」权重无效", f"Invalid weight for '{gname}'")
            if given != gsum:
                raise DomainError(f"一级指标「{gname}」权重 {given} 与二级指标分值之和 {gsum} 不符",
                                  f"The weight of '{gname}' ({given}) differs from its indicators' sum ({gsum})",
                                  field="indicators")
        total += gsum
        out.append({"name": gname[:200], "children": kids})
    if total != TOTAL_POINTS:
        raise DomainError(f"各指标分值合计须为 100 分（现为 {total} 分）",
                          f"The indicators' points must sum to 100 (now {total})", field="indicators")
    return out


def _bands_check(excellent: Decimal, good: Decimal, passing: Decimal) -> None:
    err = rules.bands_error(excellent=excellent, good=good, passing=passing)
    if err:
        raise DomainError(err[0], err[1], field="bands")


def _write_indicators(s: Scheme, indicators: list[dict[str, Any]]) -> None:
    order = 0
    for group in indicators:
        order += 1
        parent = Indicator.objects.create(scheme=s, order=order, name=group["name"],
                                          points=sum((c["points"] for c in group["children"]), Decimal(0)))
        for child in group["children"]:
            order += 1
            Indicator.objects.create(scheme=s, parent=parent, order=order, name=child["name"], points=child["points"],
                                     metric=child["metric"], comparator=child["comparator"],
                                     threshold=child["threshold"], rule_text=child["rule"])


@transaction.atomic
def scheme_create(
    *, actor: Any, year: int, name: str, jurisdiction: Jurisdiction, subjects: str,
    indicators: Sequence[Mapping[str, Any]] | None = None, veto_grade: int | None = None,
    veto_accountability: bool | None = None, bands: Sequence[Any] | None = None,
) -> Scheme:
    """A year's scheme; ``indicators`` are first-level groups (``name``, ``children``) whose
    children are scored (``name``, ``points``, ``metric``, ``comparator``, ``threshold``, ``rule``)
    — the city's default set when not given. Veto grade, veto by accountability and grade lines
    (``bands``: excellent, good, pass) default to the city's settings."""
    _require_at(actor, "responsibility.assess", jurisdiction)
    if subjects not in SubjectKind.values:
        raise DomainError("考核对象无效", "Invalid subjects", field="subjects")
    if not name.strip():
        raise DomainError("须填写方案名称", "The name is required", field="name")
    policy = policy_for(jurisdiction)
    clean = indicators_clean(default_indicators(policy) if indicators is None else indicators)
    excellent, good, passing = (Decimal(str(b)) for b in (bands or (policy.band_excellent, policy.band_good,
                                                                      policy.band_pass)))
    _bands_check(excellent, good, passing)
    grade = policy.veto_grade if veto_grade is None else int(veto_grade)
    if grade not in (2, 3, 4):
        raise DomainError("一票否决事故等级无效", "Invalid veto grade", field="veto_grade")
    s = Scheme.objects.create(year=year, name=name.strip(), jurisdiction=jurisdiction, subjects=subjects,
                              veto_grade=grade, band_excellent=excellent, band_good=good, band_pass=passing,
                              veto_accountability=policy.veto_accountability if veto_accountability is None
                              else bool(veto_accountability), created_by=_user(actor))
    _write_indicators(s, clean)
    record_event(s, "responsibility.scheme", actor=actor,
                 summary=Msg(gettext_noop("{year}年「{name}」"), year=year, name=s.name))
    return s


@transaction.atomic
def scheme_indicators_set(
    *, actor: Any, scheme: Scheme, indicators: Sequence[Mapping[str, Any]], bands: Sequence[Any],
    veto_grade: int, veto_accountability: bool,
) -> Scheme:
    """Replace the scheme's indicators, grade lines and veto items (the indicator editor). Refused
    once a round has been opened: its scores hang on these indicators."""
    s = _lock(Scheme, scheme, actor)
    _require_at(actor, "responsibility.assess", s.jurisdiction)
    if s.rounds.exists():
        raise DomainError("该方案已开始考核，指标不能再修改", "Assessment has started: the indicators are fixed",
                          field="indicators")
    clean = indicators_clean(indicators)
    if len(list(bands)) != 3:
        raise DomainError("须给出优秀、良好、合格三条分数线", "Give three grade lines: excellent, good, pass", field="bands")
    excellent, good, passing = (_dec(b, "等次分数线无效", "Invalid grade line") for b in bands)
    _bands_check(excellent, good, passing)
    if int(veto_grade) not in (2, 3, 4):
        raise DomainError("一票否决事故等级无效", "Invalid veto grade", field="veto_grade")
    s.indicators.all().delete()
    _write_indicators(s, clean)
    s.band_excellent, s.band_good, s.band_pass = excellent, good, passing
    s.veto_grade, s.veto_accountability = int(veto_grade), bool(veto_accountability)
    s._change_reason = "修改考核指标"  # type: ignore[attr-defined]
    s.save()
    n = sum(len(g["children"]) for g in clean)
    record_event(s, "responsibility.indicators", actor=actor,
                 summary=Msg(gettext_noop("一级指标 {groups} 项、二级指标 {n} 项"), groups=len(clean), n=n))
    return s


def indicators_of(scheme: Scheme) -> list[dict[str, Any]]:
    """The scheme's indicators in the shape :func:`scheme_indicators_set` takes."""
    rows = list(scheme.indicators.all())
    return [{"name": g.name, "points": g.points, "children": [
        {"name": c.name, "points": c.points, "metric": c.metric, "comparator": c.comparator,
         "threshold": c.threshold, "rule": c.rule_text} for c in rows if c.parent_id == g.pk]}
        for g in rows if g.parent_id is None]


POLICY_FIELDS = ["ack_days", "ack_remind_days", "weight_accidents", "weight_hazards", "weight_responsibility",
                 "weight_basics", "rectification_threshold", "overdue_deduct", "band_excellent", "band_good",
                 "band_pass", "veto_grade", "veto_accountability", "case_days_key", "case_days_full",
                 "task_review_days", "notice_read_days", "overdue_answer_days"]


@transaction.atomic
def policy_save(*, actor: Any, jurisdiction: Jurisdiction, data: Mapping[str, Any]) -> Policy:
    """Save the city's settings (``POLICY_FIELDS``). Only a city's own office sets them."""
    city = city_of(jurisdiction)
    if city is None or city.pk != jurisdiction.pk:
        raise DomainError("责任体系设置由市级设定", "These settings are set by the city", field="jurisdiction")
    _require_at(actor, "responsibility.assess", city)
    row = Policy.objects.select_for_update().filter(jurisdiction=city).first() or Policy(jurisdiction=city)
    before = {f: getattr(row, f) for f in POLICY_FIELDS}
    for f in POLICY_FIELDS:
        if f in data:
            setattr(row, f, data[f])
    weights = [int(row.weight_accidents), int(row.weight_hazards), int(row.weight_responsibility), int(row.weight_basics)]
    if sum(weights) != 100 or min(weights) <= 0:
        raise DomainError(f"四类指标权重须均大于 0 且合计 100（现为 {sum(weights)}）",
                          f"The four weights must each be above 0 and sum to 100 (now {sum(weights)})", field="weights")
    _bands_check(Decimal(str(row.band_excellent)), Decimal(str(row.band_good)), Decimal(str(row.band_pass)))
    if not 0 < Decimal(str(row.rectification_threshold)) <= 100:
        raise DomainError("整改率达标线须在 0 至 100 之间", "The rectification line must be within (0, 100]",
                          field="rectification_threshold")
    if not 0 < Decimal(str(row.overdue_deduct)) <= int(row.weight_hazards):
        raise DomainError("每项逾期隐患扣分须大于 0 且不超过隐患类权重", "The deduction must be within (0, the hazards weight]",
                          field="overdue_deduct")
    for f in ("ack_days", "case_days_key", "case_days_full", "task_review_days", "notice_read_days",
              "overdue_answer_days"):
        if not 1 <= int(getattr(row, f)) <= 365:
            raise DomainError("期限须在 1 至 365 天之间", "Terms must be 1–365 days", field=f)
    if int(row.ack_remind_days) >= int(row.ack_days):
        raise DomainError("提前提醒天数须小于签收期限", "The reminder must come before the deadline", field="ack_remind_days")
    if int(row.case_days_full) > int(row.case_days_key):
        raise DomainError("挂牌督办期限不应长于重点督办期限", "Listed supervision cannot have a longer term than key supervision",
                          field="case_days_full")
    if int(row.veto_grade) not in (2, 3, 4):
        raise DomainError("一票否决事故等级无效", "Invalid veto grade", field="veto_grade")
    row.save()
    changed = [str(Policy._meta.get_field(f).verbose_name) for f in POLICY_FIELDS if before[f] != getattr(row, f)]
    record_event(row, "responsibility.policy", actor=actor,
                 summary=Msg(gettext_noop("修改：{fields}"), fields="、".join(changed) or "—"))
    return row


def subjects_of(scheme: Scheme) -> list[tuple[Jurisdiction, Department | None, str]]:
    if scheme.subjects == SubjectKind.DISTRICT:
        return [(j, None, j.name) for j in Jurisdiction.objects.filter(
            parent=scheme.jurisdiction, level=JurisdictionLevel.DISTRICT, is_active=True).order_by("code")]
    return [(d.jurisdiction, d, d.name) for d in Department.objects.filter(
        jurisdiction=scheme.jurisdiction, is_active=True).exclude(
        kind__in=[DepartmentKind.COMMITTEE_OFFICE, DepartmentKind.STREET_OFFICE]).select_related("jurisdiction")
        .order_by("name")]


def _letter_of(scheme: Scheme, jurisdiction: Jurisdiction, department: Department | None) -> Letter | None:
    level = LetterLevel.CITY_DEPARTMENT if department is not None else LetterLevel.CITY_DISTRICT
    qs = Letter.objects.filter(template__year=scheme.year, template__level=level,
                               template__jurisdiction=scheme.jurisdiction)
    qs = qs.filter(department=department) if department is not None else qs.filter(jurisdiction=jurisdiction)
    return qs.select_related("template").order_by("-id").first()


@transaction.atomic
def round_open(*, actor: Any, scheme: Scheme, stage: str, period_start: dt.date, period_end: dt.date,
               self_due: dt.date) -> Round:
    _require_at(actor, "responsibility.assess", scheme.jurisdiction)
    if stage not in Stage.values:
        raise DomainError("阶段无效", "Invalid stage", field="stage")
    if period_end < period_start:
        raise DomainError("统计截止不能早于起始", "The period ends before it starts", field="period_end")
    if Round.objects.filter(scheme=scheme, stage=stage).exists():
        raise DomainError("该阶段已开始考核", "This stage already exists", field="stage")
    r = Round.objects.create(scheme=scheme, stage=stage, period_start=period_start, period_end=period_end,
                             self_due=self_due)
    round_compute(actor=actor, round=r)
    return r


@transaction.atomic
def round_compute(*, actor: Any, round: Round) -> Round:
    """(Re)compute every automatic score of the round from the platform's figures, apply vetoes,
    total, grade and rank. Hand-entered scores are kept. The first run gives each unit a
    self-assessment to-do."""
    r = _lock(Round, round, actor)
    scheme = r.scheme
    _require_at(actor, "responsibility.assess", scheme.jurisdiction)
    if r.status == RoundStatus.PUBLISHED:
        raise DomainError("已公布的考核不能重新计算", "A published round cannot be recomputed", field="round")
    leaves = [i for i in scheme.indicators.all() if i.parent_id is not None]
    for jur, dept, name in subjects_of(scheme):
        result, created = Result.objects.get_or_create(round=r, jurisdiction=jur, department=dept,
                                                       defaults={"unit_name": name})
        letter = _letter_of(scheme, jur, dept)
        targets = {t.metric: t for t in letter.template.targets.all()} if letter else {}
        for ind in leaves:
            score, _new = Score.objects.get_or_create(result=result, indicator=ind)
            if not ind.is_auto:
                continue
            target = targets.get(ind.metric)
            comparator = rules.Comparator(target.comparator if target else ind.comparator)
            threshold = target.value if target else ind.threshold
            fig = figures.figure(ind.metric, jurisdiction=jur, department=dept, start=r.period_start, end=r.period_end,
                                 letter_acknowledged=letter is not None and letter.status == LetterStatus.ACKNOWLEDGED)
            score.value, score.threshold, score.auto = fig.value, threshold, True
            score.points = rules.score(comparator=comparator, value=fig.value, threshold=threshold, points=ind.points)
            score.source_url, score.source_text = fig.url[:500], fig.text[:300]
            score.save()
        reasons = figures.veto_reasons(jurisdiction=jur, department=dept, start=r.period_start, end=r.period_end,
                                       veto_grade=scheme.veto_grade, accountability=scheme.veto_accountability)
        result.vetoed = bool(reasons)
        result.veto_reason = "\n".join(text for text, _url in reasons)
        result.save(update_fields=["vetoed", "veto_reason"])
        if created:
            due_open(result, DUE_SELF, title=f"考核待自评：{r}", due_at=_end_of(r.self_due),
                     url=reverse("responsibility:result", args=[result.pk]),
                     owner_jurisdiction=None if dept else jur, owner_department=dept)
    _total_and_rank(r)
    r.computed_at = timezone.now()
    r.save(update_fields=["computed_at"])
    record_event(r, "responsibility.computed", actor=actor,
                 summary=Msg(gettext_noop("{round}：自动评分 {n} 个单位"), round=str(r), n=r.results.count()))
    return r


def _total_and_rank(r: Round) -> None:
    results = list(r.results.select_related("round__scheme").prefetch_related("scores__indicator"))
    for res in results:
        scores = list(res.scores.all())
        res.total = rules.scaled_total([s.points for s in scores], [s.indicator.points for s in scores])
        res.grade = rules.grade(res.total, vetoed=res.vetoed, policy=r.scheme.policy).code
    for ranked in rules.rank([(res.pk, res.total, res.vetoed) for res in results]):
        res = next(x for x in results if x.pk == ranked.key)
        res.rank = ranked.rank
        res.save(update_fields=["total", "grade", "rank"])


def _manual_points(res: Result, points: Mapping[int, Any], *, field: str, evidence: Mapping[int, str] | None = None) -> None:
    scores = {s.indicator_id: s for s in res.scores.select_related("indicator")}
    for ind_id, value in points.items():
        s = scores.get(int(ind_id))
        if s is None or s.auto:
            raise DomainError("只能为人工评分指标打分", "Only hand-scored indicators take points", field="scores")
        try:
            p = Decimal(str(value))
        except ArithmeticError as exc:
            raise DomainError("分值无效", "Invalid points", field="scores") from exc
        if p < 0 or p > s.indicator.points:
            raise DomainError(f"「{s.indicator.name}」分值须在 0 至 {s.indicator.points} 之间",
                              f"Points for '{s.indicator.name}' must be within 0–{s.indicator.points}", field="scores")
        setattr(s, field, p)
        if field == "self_points" and evidence and evidence.get(int(ind_id)):
            s.evidence = evidence[int(ind_id)]
        s.save()


@transaction.atomic
def result_self_submit(*, actor: Any, result: Result, points: Mapping[int, Any], evidence: Mapping[int, str] | None = None,
                       note: str = "") -> Result:
    """The unit scores its hand-scored indicators with evidence; the office now reviews."""
    res = _lock(Result, result, actor, "responsibility.self")
    if res.status != ResultStatus.SELF:
        raise DomainError("当前状态不能提交自评", "Self-assessment is not open", field="result")
    _manual_points(res, points, field="self_points", evidence=evidence)
    res.status = ResultStatus.SUBMITTED
    res.self_note = note.strip()
    res.save(update_fields=["status", "self_note"])
    record_event(res, "responsibility.self", actor=actor, summary=Msg(gettext_noop("{unit} 提交自评"),
                                                                      unit=res.unit_name), note=res.self_note)
    due_close(res, DUE_SELF)
    due_open(res, DUE_REVIEW, title=f"考核自评待审核：{res.unit_name}", due_at=_end_of(timezone.localdate() + dt.timedelta(days=5)),
             url=reverse("responsibility:result", args=[res.pk]), owner_jurisdiction=res.round.scheme.jurisdiction)
    return res


@transaction.atomic
def result_review(*, actor: Any, result: Result, points: Mapping[int, Any], answer: str = "") -> Result:
    """The office sets the hand-scored points (after self-assessment or appeal) and re-ranks."""
    res = _lock(Result, result, actor)
    _require_at(actor, "responsibility.assess", res.round.scheme.jurisdiction)
    if res.status not in (ResultStatus.SUBMITTED, ResultStatus.APPEALED, ResultStatus.SELF):
        raise DomainError("当前状态不能审核", "Nothing to review", field="result")
    if res.round.status == RoundStatus.PUBLISHED and res.status != ResultStatus.APPEALED:
        raise DomainError("考核结果已公布", "The round is published", field="result")
    _manual_points(res, points, field="points")
    if res.status == ResultStatus.APPEALED:
        if not answer.strip():
            raise DomainError("须填写申诉答复", "Answer the appeal", field="answer")
        res.appeal_answer = answer.strip()
    res.status = ResultStatus.REVIEWED
    res.save(update_fields=["status", "appeal_answer"])
    _total_and_rank(res.round)
    res.refresh_from_db()
    record_event(res, "responsibility.reviewed", actor=actor,
                 summary=Msg(gettext_noop("{unit} 得分 {total}"), unit=res.unit_name, total=res.total), note=answer)
    due_close(res, DUE_SELF)
    due_close(res, DUE_REVIEW)
    return res


@transaction.atomic
def result_appeal(*, actor: Any, result: Result, reason: str) -> Result:
    res = _lock(Result, result, actor, "responsibility.self")
    if res.status != ResultStatus.REVIEWED:
        raise DomainError("审核后方可申诉", "Appeal after the review", field="result")
    if not reason.strip():
        raise DomainError("须填写申诉理由", "Give the reason", field="reason")
    res.status = ResultStatus.APPEALED
    res.appeal = reason.strip()
    res.save(update_fields=["status", "appeal"])
    record_event(res, "responsibility.appealed", actor=actor, summary=Msg(gettext_noop("{unit} 申诉"), unit=res.unit_name),
                 note=res.appeal)
    due_open(res, DUE_REVIEW, title=f"考核申诉待复核：{res.unit_name}", due_at=_end_of(timezone.localdate() + dt.timedelta(days=5)),
             url=reverse("responsibility:result", args=[res.pk]), owner_jurisdiction=res.round.scheme.jurisdiction)
    return res


@transaction.atomic
def round_publish(*, actor: Any, round: Round) -> Round:
    r = _lock(Round, round, actor)
    _require_at(actor, "responsibility.assess", r.scheme.jurisdiction)
    if r.results.filter(status__in=[ResultStatus.SUBMITTED, ResultStatus.APPEALED]).exists():
        raise DomainError("尚有自评或申诉未审核", "Some self-assessments or appeals await review", field="round")
    _total_and_rank(r)
    r.status = RoundStatus.PUBLISHED
    r.published_at = timezone.now()
    r.save(update_fields=["status", "published_at"])
    for res in r.results.all():
        due_close(res, DUE_SELF)
    record_event(r, "responsibility.published", actor=actor, summary=Msg(gettext_noop("公布 {round}"), round=str(r)))
    return r


def _split(total: Decimal, parts: Sequence[int]) -> list[Decimal]:
    """``total`` split in proportion to ``parts`` (two decimals; the last part takes the rest)."""
    whole = sum(parts)
    out = [(total * p / whole).quantize(Decimal("0.01")) for p in parts[:-1]]
    return [*out, total - sum(out, Decimal(0))]


def default_indicators(policy: Policy | None = None) -> list[dict[str, Any]]:
    """The default two-level indicator set (100 points) a new scheme starts from: the city's four
    weights (settings page; 40 / 30 / 20 / 10 unless changed) split over the indicators of each
    group as 25:15, 20:10, 5:15 and 5:5; the rectification line and the deduction per overdue hazard
    are the city's too. A scheme's indicators are then edited on its indicator page."""
    p = policy or Policy()
    M = rules.Metric
    acc = _split(Decimal(p.weight_accidents), [25, 15])
    haz = _split(Decimal(p.weight_hazards), [20, 10])
    resp = _split(Decimal(p.weight_responsibility), [5, 15])
    basic = _split(Decimal(p.weight_basics), [5, 5])
    line = Decimal(str(p.rectification_threshold))
    deduct = min(Decimal(str(p.overdue_deduct)), haz[1])
    return [
        {"name": "事故控制", "children": [
            {"name": "生产安全事故死亡人数控制在责任书指标内", "points": acc[0], "metric": M.DEATHS, "comparator": "le",
             "threshold": 0, "rule": "不超过控制指标得满分，超过不得分"},
            {"name": "不发生较大及以上生产安全事故", "points": acc[1], "metric": M.LARGER_ACCIDENTS, "comparator": "le",
             "threshold": 0, "rule": "发生较大及以上事故不得分，并一票否决"},
        ]},
        {"name": "隐患排查治理", "children": [
            {"name": "隐患整改率", "points": haz[0], "metric": M.HAZARD_RECTIFICATION, "comparator": "ge",
             "threshold": line, "rule": f"达到{line.normalize():f}%得满分，未达到按比例得分"},
            {"name": "逾期未整改隐患", "points": haz[1], "metric": M.OVERDUE_HAZARDS, "comparator": "deduct",
             "threshold": deduct, "rule": f"每项扣{deduct.normalize():f}分，扣完为止"},
        ]},
        {"name": "责任落实", "children": [
            {"name": "签订年度安全生产责任书", "points": resp[0], "metric": M.LETTER_ACKNOWLEDGED, "comparator": "ge",
             "threshold": 100, "rule": "按期签收得满分"},
            {"name": "督办事项按时办结", "points": resp[1], "metric": M.TASKS_ON_TIME, "comparator": "ge", "threshold": 100,
             "rule": "按时反馈率按比例得分"},
        ]},
        {"name": "基础工作", "children": [
            {"name": "应急演练开展情况", "points": basic[0], "metric": M.MANUAL, "rule": "提供演练方案、记录与照片"},
            {"name": "安全培训覆盖情况", "points": basic[1], "metric": M.MANUAL, "rule": "提供培训记录与签到表"},
        ]},
    ]
