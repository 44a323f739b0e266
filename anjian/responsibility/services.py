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
from anjian.documents.numbering import number_issue
from anjian.enterprises.models import Enterprise
from anjian.inbox import registry as due_registry
from anjian.inbox.services import due_close, due_open
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


@transaction.atomic
def template_create(
    *, actor: Any, year: int, level: str, title: str, jurisdiction: Jurisdiction, issuer: str, body: str,
    targets: Sequence[Mapping[str, Any]], ack_days: int | None = None,
) -> LetterTemplate:
    """A year's letter template of one level with its targets (``metric``, ``comparator``,
    ``value``, ``text``)."""
    _require_at(actor, "responsibility.manage", jurisdiction)
    if level not in LetterLevel.values:
        raise DomainError("签订层级无效", "Invalid level", field="level")
    expected = {LetterLevel.CITY_DISTRICT: 1, LetterLevel.CITY_DEPARTMENT: 1, LetterLevel.DISTRICT_STREET: 2,
                LetterLevel.STREET_ENTERPRISE: 3}[LetterLevel(level)]
    if jurisdiction.level != expected:
        raise DomainError("下达辖区与签订层级不符", "The issuing area does not match the level", field="jurisdiction")
    if not title.strip() or not body.strip():
        raise DomainError("须填写名称与责任内容", "Title and content are required", field="title")
    t = LetterTemplate.objects.create(year=year, level=level, title=title.strip(), jurisdiction=jurisdiction,
                                      issuer=issuer.strip(), body=body.strip(), created_by=_user(actor),
                                      ack_days=ack_days or rules.DEFAULT_POLICY.ack_days)
    for spec in targets:
        if spec["metric"] not in rules.Metric.__members__.values() or spec["comparator"] not in ("le", "ge", "deduct"):
            raise DomainError("目标指标无效", "Invalid target", field="targets")
        LetterTarget.objects.create(template=t, metric=spec["metric"], comparator=spec["comparator"],
                                    value=Decimal(str(spec["value"])), text=str(spec.get("text") or "")[:200])
    record_event(t, "responsibility.template", actor=actor,
                 summary=Msg(gettext_noop("{year}年「{title}」，目标 {n} 项"), year=year, title=t.title, n=len(targets)))
    return t


def recipients_of(template: LetterTemplate) -> list[Jurisdiction | Department | Enterprise]:
    """Who signs a template's letters: every district, department, street or enterprise of its level."""
    jur = template.jurisdiction
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


@transaction.atomic
def letters_issue(*, actor: Any, template: LetterTemplate, series: Any,
                  recipients: Iterable[Any] | None = None, issued_on: dt.date | None = None) -> list[Letter]:
    """Issue the template to all recipients of its level (or the ones given): one numbered
    letter each, and a to-do in each recipient's inbox to acknowledge it by ``ack_days`` after
    ``issued_on`` (today, or the date of letters handed out on paper and recorded later)."""
    t = _lock(LetterTemplate, template, actor)
    _require_at(actor, "responsibility.manage", t.jurisdiction)
    if actor is not None and not can(actor, "documents.issue", series):
        raise NotAllowed("您无权使用该文号序列", "You may not take numbers from this series")
    wanted = recipients_of(t) if recipients is None else list(recipients)
    allowed = {(type(u).__name__, u.pk) for u in recipients_of(t)}
    if any((type(u).__name__, u.pk) not in allowed for u in wanted):
        raise DomainError("责任单位不属于该层级", "A recipient is not of this level", field="recipients")
    done = {(lt.jurisdiction_id, lt.department_id, lt.enterprise_id) for lt in t.letters.all()}
    issued_on = issued_on or timezone.localdate()
    if issued_on > timezone.localdate():
        raise DomainError("下达日期不能晚于今天", "The issue date cannot be in the future", field="issued_on")
    ack_due = issued_on + dt.timedelta(days=t.ack_days)
    ct = ContentType.objects.get_for_model(Letter)
    letters = []
    for unit in wanted:
        if isinstance(unit, Department):
            jur, dept, ent = unit.jurisdiction, unit, None
        elif isinstance(unit, Enterprise):
            jur, dept, ent = unit.jurisdiction, None, unit
        else:
            jur, dept, ent = unit, None, None
        if (jur.pk, dept.pk if dept else None, ent.pk if ent else None) in done:
            continue
        issued = number_issue(series=series, actor=actor, year=t.year, title=f"{t.title}（{unit.name}）")
        letter = Letter.objects.create(template=t, number=issued.text, jurisdiction=jur, department=dept,
                                       enterprise=ent, recipient_name=unit.name, issued_on=issued_on, ack_due=ack_due)
        issued.content_type, issued.object_id = ct, str(letter.pk)
        issued.save(update_fields=["content_type", "object_id"])
        due_open(letter, DUE_ACK, title=f"责任书待签收：{t.title}（{letter.number}）", due_at=_end_of(ack_due),
                 url=reverse("responsibility:letter", args=[letter.pk]), **_letter_owner(letter))
        letters.append(letter)
    if not letters:
        raise DomainError("没有需要下达的责任单位", "Nobody left to issue to", field="recipients")
    t.status = TemplateStatus.ISSUED
    t.save(update_fields=["status"])
    record_event(t, "responsibility.issued", actor=actor,
                 summary=Msg(gettext_noop("下达 {n} 份，签收期限 {due}"), n=len(letters), due=ack_due))
    return letters


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


@transaction.atomic
def scheme_create(
    *, actor: Any, year: int, name: str, jurisdiction: Jurisdiction, subjects: str,
    indicators: Sequence[Mapping[str, Any]], veto_grade: int = rules.DEFAULT_POLICY.veto_grade,
    veto_accountability: bool = True,
) -> Scheme:
    """A year's scheme; ``indicators`` are first-level groups (``name``, ``children``) whose
    children are scored (``name``, ``points``, ``metric``, ``comparator``, ``threshold``, ``rule``)."""
    _require_at(actor, "responsibility.assess", jurisdiction)
    if subjects not in SubjectKind.values:
        raise DomainError("考核对象无效", "Invalid subjects", field="subjects")
    if not indicators:
        raise DomainError("至少设置一个指标", "Add at least one indicator", field="indicators")
    s = Scheme.objects.create(year=year, name=name.strip(), jurisdiction=jurisdiction, subjects=subjects,
                              veto_grade=veto_grade, veto_accountability=veto_accountability, created_by=_user(actor))
    order = 0
    for group in indicators:
        order += 1
        parent = Indicator.objects.create(scheme=s, order=order, name=group["name"],
                                          points=sum((Decimal(str(c["points"])) for c in group["children"]), Decimal(0)))
        for child in group["children"]:
            order += 1
            metric = child.get("metric", rules.Metric.MANUAL)
            if metric not in [m.value for m in rules.Metric]:
                raise DomainError("评分方式无效", "Invalid metric", field="indicators")
            Indicator.objects.create(
                scheme=s, parent=parent, order=order, name=child["name"], points=Decimal(str(child["points"])),
                metric=metric, comparator=child.get("comparator") or rules.DEFAULT_COMPARATOR[rules.Metric(metric)].value,
                threshold=Decimal(str(child.get("threshold", 0))), rule_text=child.get("rule", ""),
            )
    record_event(s, "responsibility.scheme", actor=actor,
                 summary=Msg(gettext_noop("{year}年「{name}」"), year=year, name=s.name))
    return s


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
    results = list(r.results.prefetch_related("scores__indicator"))
    for res in results:
        scores = list(res.scores.all())
        res.total = rules.scaled_total([s.points for s in scores], [s.indicator.points for s in scores])
        res.grade = rules.grade(res.total, vetoed=res.vetoed).code
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


def default_indicators() -> list[dict[str, Any]]:
    """The default two-level indicator set (100 points) a new scheme starts from; a city edits it
    through the API. Points are a local choice (docs/responsibility.md)."""
    M = rules.Metric
    return [
        {"name": "事故控制", "children": [
            {"name": "生产安全事故死亡人数控制在责任书指标内", "points": 25, "metric": M.DEATHS, "comparator": "le",
             "threshold": 0, "rule": "不超过控制指标得满分，超过不得分"},
            {"name": "不发生较大及以上生产安全事故", "points": 15, "metric": M.LARGER_ACCIDENTS, "comparator": "le",
             "threshold": 0, "rule": "发生较大及以上事故不得分，并一票否决"},
        ]},
        {"name": "隐患排查治理", "children": [
            {"name": "隐患整改率", "points": 20, "metric": M.HAZARD_RECTIFICATION, "comparator": "ge", "threshold": 95,
             "rule": "达到95%得满分，未达到按比例得分"},
            {"name": "逾期未整改隐患", "points": 10, "metric": M.OVERDUE_HAZARDS, "comparator": "deduct",
             "threshold": 1, "rule": "每项扣1分，扣完为止"},
        ]},
        {"name": "责任落实", "children": [
            {"name": "签订年度安全生产责任书", "points": 5, "metric": M.LETTER_ACKNOWLEDGED, "comparator": "ge",
             "threshold": 100, "rule": "按期签收得满分"},
            {"name": "督办事项按时办结", "points": 15, "metric": M.TASKS_ON_TIME, "comparator": "ge", "threshold": 100,
             "rule": "按时反馈率按比例得分"},
        ]},
        {"name": "基础工作", "children": [
            {"name": "应急演练开展情况", "points": 5, "metric": M.MANUAL, "rule": "提供演练方案、记录与照片"},
            {"name": "安全培训覆盖情况", "points": 5, "metric": M.MANUAL, "rule": "提供培训记录与签到表"},
        ]},
    ]
