"""The course catalogue and the trainer registry serve downward (issue 20): the city's courses and
trainers are offered to its districts and their enterprises, a district's to its own part only,
an enterprise's stay its own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anjian.core.errors import NotFoundInScope
from anjian.core.lookups import lookup
from anjian.training import selectors as sel
from anjian.training import services as ts

pytestmark = pytest.mark.django_db


def test_courses_and_trainers_serve_the_levels_below(world, login):
    city_trainer = ts.trainer_save(actor=None, name="市级讲师", jurisdiction=world.city)
    city = ts.course_save(actor=None, title="市级主要负责人培训", subject="安全生产法", hours=Decimal(48),
                          jurisdiction=world.city, trainer=city_trainer)
    district = ts.course_save(actor=None, title="甲区有限空间作业培训", subject="有限空间", hours=Decimal(8),
                              jurisdiction=world.district_a)
    own = ts.course_save(actor=None, title="乙区建筑工程公司三级教育", subject="三级教育", hours=Decimal(24),
                         enterprise=world.ent_b)
    seen = {persona: set(sel.courses(user=world.user(persona)).values_list("pk", flat=True))
            for persona in ("district_a", "district_b", "enterprise")}
    assert seen["district_a"] >= {city.pk, district.pk} and own.pk not in seen["district_a"]
    assert city.pk in seen["district_b"] and district.pk not in seen["district_b"]
    assert city.pk in seen["enterprise"] and district.pk in seen["enterprise"] and own.pk not in seen["enterprise"]
    offered = {c.pk for c in lookup("training.courses").suggest(world.user("district_b"), "", limit=100)}
    assert city.pk in offered and district.pk not in offered
    assert city_trainer.pk in {t.pk for t in sel.trainers(user=world.user("district_b"))}

    # a district opens a session from the city's course, with the city's trainer
    now = timezone.now()
    session = ts.session_create(actor=world.user("district_b"), place="乙区培训中心", jurisdiction=world.district_b,
                                starts_at=now + dt.timedelta(days=3), ends_at=now + dt.timedelta(days=3, hours=4),
                                course=city, teacher=city_trainer)
    assert session.course == city and session.hours == Decimal(48)
    with pytest.raises(NotFoundInScope):  # another district's course is not offered
        ts.session_create(actor=world.user("district_b"), place="乙区", jurisdiction=world.district_b,
                          starts_at=now + dt.timedelta(days=3), ends_at=now + dt.timedelta(days=3, hours=4),
                          course=district)
    page = login("district_b").get(f"/training/courses/{city.pk}/")
    assert page.status_code == 200 and "市级主要负责人培训" in page.content.decode()
    assert login("district_b").get(f"/training/courses/{district.pk}/").status_code == 404
