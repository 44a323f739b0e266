"""The city's settings for letters and the assessment (``models.Policy``): read here, written by
``services.policy_save`` from the settings page. A city without a row uses the documented defaults."""

from __future__ import annotations

from anjian.committee.policy import CommitteeTerms
from anjian.orgs.models import Jurisdiction
from anjian.orgs.selectors import city_of
from anjian.responsibility.models import Policy

__all__ = ["city_of", "committee_terms", "policy_for"]


def policy_for(jurisdiction: Jurisdiction | None) -> Policy:
    """The policy of the jurisdiction's city (an unsaved row with the defaults when none is set)."""
    city = city_of(jurisdiction)
    row = Policy.objects.filter(jurisdiction=city).first() if city is not None else None
    return row or Policy(jurisdiction=city)


def committee_terms(jurisdiction: Jurisdiction | None) -> CommitteeTerms:
    """The committee's working terms as the city set them (registered with ``anjian.committee``)."""
    p = policy_for(jurisdiction)
    return CommitteeTerms(task_review_days=p.task_review_days, notice_read_days=p.notice_read_days,
                          overdue_answer_days=p.overdue_answer_days)
