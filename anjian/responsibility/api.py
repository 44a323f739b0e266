"""Responsibility API: letters (list, acknowledge online), assessment rounds (ranking) and one
unit's result with every score and the link to the records it came from. Out of scope is 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from anjian.core.api import require
from anjian.core.apischema import Id, In, Limit
from anjian.responsibility import services
from anjian.responsibility.models import Letter, Result, Round, Score
from anjian.responsibility.selectors import letter_list, results_visible

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
