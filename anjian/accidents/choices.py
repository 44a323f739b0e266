"""Choices of the accident app. Values and labels come from ``anjian.rules.accidents`` so the
law lives in one place; only the Django wrappers are here."""

from __future__ import annotations

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from anjian.rules.accidents import AccidentCategory, AccidentGrade, MisreportKind, SupervisionLevel


def _pick(zh: str, en: str) -> str:
    """The rules' English name when English is active, else the Chinese one."""
    return en if en and (get_language() or "").lower().startswith("en") else zh


# The labels of the law's enums are translated by the rules themselves (``label_en``), not by the
# catalogue: a lazy string that picks the language when it is rendered.
bilingual = lazy(_pick, str)

Category = models.TextChoices(  # type: ignore[misc]
    "Category", [(c.name, (c.value, bilingual(c.label, c.label_en))) for c in AccidentCategory]
)
Grade = models.IntegerChoices(  # type: ignore[misc]
    "Grade", [(g.name, (int(g), bilingual(g.label, g.label_en))) for g in AccidentGrade]
)
Misreport = models.TextChoices(  # type: ignore[misc]
    "Misreport", [(k.name, (k.value, bilingual(k.label, getattr(k, "label_en", "")))) for k in MisreportKind]
)
Supervision = models.IntegerChoices(  # type: ignore[misc]
    "Supervision", [(s.name, (int(s), bilingual(s.label, getattr(s, "label_en", "")))) for s in SupervisionLevel]
)


class AccidentKind(models.TextChoices):
    ACCIDENT = "accident", _("生产安全事故")
    LARGER_AT_RISK = "larger_at_risk", _("较大涉险事故")


class InvestigationStatus(models.TextChoices):
    INVESTIGATING = "investigating", _("调查中")
    APPRAISAL = "appraisal", _("技术鉴定（计时中止）")
    REPORTED = "reported", _("待批复")
    RECTIFYING = "rectifying", _("整改落实")
    CLOSED = "closed", _("已结案")


class SubjectKind(models.TextChoices):
    PERSON = "person", _("个人")
    UNIT = "unit", _("单位")


class Measure(models.TextChoices):
    FINE = "fine", _("罚款")
    DISCIPLINE = "discipline", _("党纪政务处分")
    JUDICIARY = "judiciary", _("移送司法机关")
    ORGANISATIONAL = "organisational", _("组织处理（诫勉、调离等）")
    OTHER = "other", _("其他")


class FollowUp(models.TextChoices):
    PENDING = "pending", _("待落实")
    IN_PROGRESS = "in_progress", _("落实中")
    DONE = "done", _("已落实")
