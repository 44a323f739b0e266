"""The committee's working terms — days to review a task's feedback, to confirm reading a notice,
to answer an overdue task — are a city's choice, set on the city's settings page (责任体系设置).

That page's model lives in an app above this one, so it hands its terms down through
:func:`register_terms_source` (called in its ``ready()``); without one the documented defaults of
``anjian.rules.assessment.DEFAULT_POLICY`` apply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from anjian.rules import assessment as rules


@dataclass(frozen=True)
class CommitteeTerms:
    task_review_days: int = rules.DEFAULT_POLICY.task_review_days
    notice_read_days: int = rules.DEFAULT_POLICY.notice_read_days
    overdue_answer_days: int = rules.DEFAULT_POLICY.overdue_answer_days


DEFAULT_TERMS = CommitteeTerms()
_sources: list[Callable[[Any], CommitteeTerms]] = []


def register_terms_source(source: Callable[[Any], CommitteeTerms]) -> None:
    """Where the city's terms are read: ``source(jurisdiction)`` answers for the jurisdiction's city."""
    if source not in _sources:
        _sources.append(source)


def terms_for(jurisdiction: Any) -> CommitteeTerms:
    """The terms in force for work issued in ``jurisdiction``."""
    return _sources[-1](jurisdiction) if _sources else DEFAULT_TERMS
