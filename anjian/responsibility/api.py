"""Responsibility API: letters (list, acknowledge online), assessment rounds (ranking) and one
unit's result with every score and the link to the records it came from. Out of scope is 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from anjian.core.api import require
from anjian.core.apischema import Id, In, Limit
from anjian.documents.models import DocumentSeries
from anjian.responsibility import services
from anjian.responsibility.models import Letter, Result, Round, Scheme, Score
from anjian.responsibility.selectors import letter_list, results_visible, scheme_list, template_list

router = Router(tags=["responsibility"])


class LetterOut(Schema):
    id: int
    number: str
    title: str
    year: int
    recipient_name: str
    status: str
    overdue: bool
    issued_on: dt.date
    ack_due: dt.date
    acknowledged_at: dt.datetime | None
    signatory: str

    @staticmethod
    def resolve_title(obj: Letter) -> str:
        return obj.template.title

    @staticmethod
    def resolve_year(obj: Letter) -> int:
        return obj.template.year

    @staticmethod
    def resolve_overdue(obj: Letter) -> bool:
        return obj.is_overdue


class AckIn(In):
    signatory: str


@router.get("/letters", response=list[LetterOut], summary="责任书 / responsibility letters")
def letters(request: HttpRequest, state: str = "", limit: Limit = 100):
    require(request, "responsibility.view")
    return list(letter_list(user=request.user, filters={"state": state}).order_by("id")[:limit])


@router.post("/letters/{pk}/acknowledge", response=LetterOut, summary="在线签收 / acknowledge online")
def letter_ack(request: HttpRequest, pk: Id, payload: AckIn):
    require(request, "responsibility.ack")
    lt = letter_list(user=request.user).filter(pk=pk).first()
    if lt is None:
        raise Http404
    return services.letter_acknowledge(actor=request.user, letter=lt, signatory=payload.signatory)


class ResultOut(Schema):
    id: int
    unit_name: str
    total: Decimal
    grade: str
    vetoed: bool
    veto_reason: str
    rank: int | None
    status: str


class ScoreOut(Schema):
    indicator: str
    points_possible: Decimal
    auto: bool
    value: Decimal | None
    threshold: Decimal | None
    points: Decimal
    source_text: str
    source_url: str

    @staticmethod
    def resolve_indicator(obj: Score) -> str:
        return obj.indicator.name

    @staticmethod
    def resolve_points_possible(obj: Score) -> Decimal:
        return obj.indicator.points


class ResultDetailOut(ResultOut):
    scores: list[ScoreOut]

    @staticmethod
    def resolve_scores(obj: Result) -> list[Score]:
        return list(obj.scores.select_related("indicator"))


def _round(request: HttpRequest, pk: int) -> Round:
    r = Round.objects.restrict(request.user, "responsibility.view").filter(pk=pk).first()
    if r is None:
        own = Result.objects.restrict(request.user, "responsibility.view").filter(round_id=pk).first()
        r = own.round if own else None
    if r is None:
        raise Http404
    return r


@router.get("/rounds/{pk}/ranking", response=list[ResultOut], summary="考核排名 / ranking of a round")
def ranking(request: HttpRequest, pk: Id):
    require(request, "responsibility.view")
    r = _round(request, pk)
    return list(results_visible(user=request.user, round=r))


@router.get("/results/{pk}", response=ResultDetailOut, summary="单位考核结果与指标得分 / one unit's result")
def result_detail(request: HttpRequest, pk: Id):
    require(request, "responsibility.view")
    res = Result.objects.filter(pk=pk).select_related("round").first()
    if res is None or not results_visible(user=request.user, round=res.round).filter(pk=pk).exists():
        raise Http404
    return res


class IndicatorIn(Schema):
    name: str
    points: Decimal
    metric: str = "manual"
    comparator: str = ""
    threshold: Decimal = Decimal(0)
    rule: str = ""


class GroupIn(Schema):
    name: str
    points: Decimal | None = None
    children: list[IndicatorIn]


class IndicatorsIn(In):
    indicators: list[GroupIn]
    bands: list[Decimal]
    veto_grade: int = 2
    veto_accountability: bool = True


class IndicatorsOut(Schema):
    scheme: int
    indicators: list[GroupIn]
    bands: list[Decimal]
    veto_grade: int
    veto_accountability: bool


def _indicators_out(s: Scheme) -> dict[str, object]:
    return {"scheme": s.pk, "indicators": services.indicators_of(s), "bands": [s.band_excellent, s.band_good, s.band_pass],
            "veto_grade": s.veto_grade, "veto_accountability": s.veto_accountability}


def _scheme(request: HttpRequest, pk: int) -> Scheme:
    s = scheme_list(user=request.user).filter(pk=pk).first()
    if s is None:
        raise Http404
    return s


@router.get("/schemes/{pk}/indicators", response=IndicatorsOut, summary="考核指标 / a scheme's indicators")
def scheme_indicators(request: HttpRequest, pk: Id):
    require(request, "responsibility.view")
    return _indicators_out(_scheme(request, pk))


@router.put("/schemes/{pk}/indicators", response=IndicatorsOut,
            summary="修改考核指标（两级、分值、评分方式、等次、一票否决） / replace a scheme's indicators")
def scheme_indicators_put(request: HttpRequest, pk: Id, payload: IndicatorsIn):
    require(request, "responsibility.assess")
    s = _scheme(request, pk)
    s = services.scheme_indicators_set(
        actor=request.user, scheme=s, indicators=[g.dict() for g in payload.indicators], bands=payload.bands,
        veto_grade=payload.veto_grade, veto_accountability=payload.veto_accountability)
    return _indicators_out(s)


class IssueIn(In):
    series: int | None = None


class JobRef(Schema):
    job: int
    url: str


@router.post("/templates/{pk}/issue", response=JobRef,
             summary="批量下达责任书（后台任务） / issue a template to all its recipients as a job")
def template_issue(request: HttpRequest, pk: Id, payload: IssueIn):
    require(request, "responsibility.view")
    t = template_list(user=request.user).filter(pk=pk).first()
    if t is None or not services.may_issue(request.user, t):
        raise Http404
    series = None
    if payload.series is not None:
        series = DocumentSeries.objects.restrict(request.user, "documents.issue").filter(pk=payload.series).first()
        if series is None:
            raise Http404
    job = services.letters_issue_start(actor=request.user, template=t, series=series)
    return {"job": job.pk, "url": f"/api/v1/jobs/{job.pk}"}
