"""The enterprise import accepts values as ledgers write them (issue 16): GB/T 4754 codes at any
depth stored as the class, 60人 head counts, √/有/Y flags, full-width digits, 12-digit division
codes and rows placed by street, community and district names."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from shapely.geometry import box

from anjian.documents.imports import import_start
from anjian.enterprises.models import Enterprise
from anjian.jobs.models import JobStatus
from anjian.orgs.models import JurisdictionLevel, Sector
from anjian.orgs.places import PlaceError, PlaceResolver, code_variants, name_key
from anjian.orgs.services import jurisdiction_create
from tests.enterprises.helpers import uscc

pytestmark = pytest.mark.django_db

HEADER = ["单位名称", "统一社会信用代码", "行业代码", "从业人数", "涉及危险化学品", "有限空间作业", "经度", "纬度",
          "所属辖区代码", "所属区", "街道", "社区"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def places(world):
    """A second street named 和平 in each district (ambiguous without the district) and a community."""
    out = {
        "heping_a": jurisdiction_create(actor=None, code="990101002", name="和平街道", level=JurisdictionLevel.STREET,
                                        parent=world.district_a, geometry=box(114.0, 22.2, 114.2, 22.4),
                                        is_synthetic=True),
        "heping_b": jurisdiction_create(actor=None, code="990102002", name="和平街道", level=JurisdictionLevel.STREET,
                                        parent=world.district_b, geometry=box(114.2, 22.2, 114.4, 22.4),
                                        is_synthetic=True),
    }
    out["xingfu"] = jurisdiction_create(actor=None, code="990101002001", name="幸福社区",
                                        level=JurisdictionLevel.COMMUNITY, parent=out["heping_a"],
                                        geometry=box(114.0, 22.2, 114.1, 22.3), is_synthetic=True)
    return out


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _run(user, data: bytes, capture):
    with capture(execute=True):
        job = import_start(kind="enterprises", actor=user, upload=SimpleUploadedFile("台账.xlsx", data))
    job.refresh_from_db()
    return job


def _problems(job) -> list[list]:
    if not job.result_file:
        return []
    with job.result_file.open("rb") as fh:
        return [[c.value for c in row] for row in openpyxl.load_workbook(fh).active.iter_rows()][1:]


def test_ledger_values_are_accepted(world, places, django_capture_on_commit_callbacks):
    rows = [
        ["棉印染一厂", uscc(8001), "C1713 棉印染精加工", "60人", "√", "否", 114.05, 22.05, "", "", "", ""],
        ["建筑二公司", uscc(8002), "E4710", "１２０", "有", "无", "", "", "", "甲区", "和平街道", ""],
        ["三号仓库", uscc(8003), "2614", "35 名", "Y", "N", "", "", "", "", "", "幸福社区"],
        ["四号门店", uscc(8004), "c", "8", "是", "否", "", "", "990101001000", "", "", ""],
        ["五号车间", uscc(8005), "171", "", "1", "0", "", "", "", "乙区", "和平", ""],
    ]
    job = _run(world.user("city_admin"), _xlsx(rows), django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, (job.error, _problems(job))
    got = {e.name: e for e in Enterprise.objects.filter(credit_code__startswith="91440300MA00080")}
    assert got["棉印染一厂"].sector.code == "1713" and got["棉印染一厂"].employees == 60
    assert got["棉印染一厂"].flags == ["hazardous_chemicals"]
    assert got["棉印染一厂"].sector.section_code == "C"  # rolled up by its path
    assert (got["建筑二公司"].sector.code, got["建筑二公司"].employees) == ("4710", 120)
    assert got["建筑二公司"].jurisdiction == places["heping_a"]
    assert got["三号仓库"].jurisdiction == places["xingfu"] and got["三号仓库"].employees == 35
    assert got["四号门店"].jurisdiction == world.street_a and got["四号门店"].sector.code == "C"
    assert got["五号车间"].jurisdiction == places["heping_b"] and got["五号车间"].sector.code == "171"
    # statistics roll a class up to its division and section
    assert Sector.objects.get(code="1713").pk in Sector.ids_within([Sector.objects.get(code="17")])


def test_bad_ledger_values_report_every_reason(world, places, django_capture_on_commit_callbacks):
    rows = [
        ["甲", uscc(8101), "E1713", "60", "", "", 114.05, 22.05, "", "", "", ""],
        ["乙", uscc(8102), "26", "若干", "", "", 114.05, 22.05, "", "", "", ""],
        ["丙", uscc(8103), "26", "10", "可能", "", 114.05, 22.05, "", "", "", ""],
        ["丁", uscc(8104), "26", "10", "", "", "", "", "", "", "和平街道", ""],
        ["戊", uscc(8105), "26", "10", "", "", "", "", "", "", "没有这条街", ""],
    ]
    job = _run(world.user("city_admin"), _xlsx(rows), django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED
    assert not Enterprise.objects.filter(name__in=["甲", "乙", "丙", "丁", "戊"]).exists()
    reasons = {row[0]: row[3] for row in _problems(job)}
    assert "属于门类 C" in reasons[2]
    assert "不是确切的数字" in reasons[3]  # never stored as 0
    assert "不是是/否值" in reasons[4]
    assert "对应多个街道" in reasons[5] and "990101002" in reasons[5] and "990102002" in reasons[5]
    assert "没有名为“没有这条街”的街道" in reasons[6]


def test_resolver_is_scoped_to_the_territory(world, places):
    district_a = PlaceResolver.for_user(world.user("district_a"))
    assert district_a.place(street="和平街道") == places["heping_a"]  # the other one is not theirs
    with pytest.raises(PlaceError):
        district_a.place(district="乙区")
    assert district_a.by_division_code("990101002000") == places["heping_a"]
    assert district_a.by_division_code("990101000000") == world.district_a


@pytest.mark.parametrize(("name", "level", "key"), [
    ("甲一街道办事处", JurisdictionLevel.STREET, "甲一"), ("甲一街道", JurisdictionLevel.STREET, "甲一"),
    ("甲一", JurisdictionLevel.STREET, "甲一"), ("幸福社区居委会", JurisdictionLevel.COMMUNITY, "幸福"),
    ("南山区", JurisdictionLevel.DISTRICT, "南山"), ("光明新区", JurisdictionLevel.DISTRICT, "光明"),
    ("沙井镇", JurisdictionLevel.STREET, "沙井"), ("区", JurisdictionLevel.DISTRICT, "区"),
])
def test_name_keys(name, level, key):
    assert name_key(name, level) == key


def test_code_variants():
    assert code_variants("440305001000") == ["440305001000", "440305001"]
    assert code_variants("440305000000") == ["440305000000", "440305000", "440305"]
    assert code_variants("440305001002") == ["440305001002"]
