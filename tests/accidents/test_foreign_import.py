"""Foreign accident data (issue 16): an OSHA-style fatality CSV made here — several victim rows of
one event become one accident with its deaths, the type is proposed from the narrative, the
industry comes from NAICS, and the imported accidents are marked, filterable and open no to-do."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from anjian.accidents.imports import merge_events, read_outcome
from anjian.accidents.models import Accident
from anjian.accidents.selectors import accident_list
from anjian.documents.imports import RowError, import_start
from anjian.inbox.models import DueItem
from anjian.jobs.models import JobStatus
from anjian.rules.accident_keywords import propose_type
from anjian.rules.industry_map import isic_section, naics_section

from .factories import at

pytestmark = pytest.mark.django_db

HEADER = ("Date of Incident,Company,City,State,ZIP,Victim(s),Hazard Description,Fatality or Catastrophe,"
          "Inspection #,Primary NAICS\r\n")
VICTIMS = [
    # event 1: two workers fell — two victim rows, two deaths
    ("10/04/2017", "Acme Roofing LLC", "Austin", "TX", "78701", "Worker A",
     "Two workers fell from the roof edge of a warehouse, 25 feet, to the ground.", "Fatality", "1234567", "238160"),
    ("10/04/2017", "Acme Roofing LLC", "Austin", "TX", "78701", "Worker B",
     "Two workers fell from the roof edge of a warehouse, 25 feet, to the ground.", "Fatality", "1234567", "238160"),
    # event 2: tank cleaning — two deaths and one hospitalised (a catastrophe row)
    ("11/02/2017", "Gulf Tank Services", "Houston", "TX", "77001", "Worker C",
     "Three workers were overcome by hydrogen sulfide while cleaning a tank; the fire department responded.",
     "Fatality", "1234570", "562998"),
    ("11/02/2017", "Gulf Tank Services", "Houston", "TX", "77001", "Worker D",
     "Three workers were overcome by hydrogen sulfide while cleaning a tank; the fire department responded.",
     "Catastrophe", "1234570", "562998"),
    ("11/02/2017", "Gulf Tank Services", "Houston", "TX", "77001", "Worker E",
     "Three workers were overcome by hydrogen sulfide while cleaning a tank; the fire department responded.",
     "Fatality", "1234570", "562998"),
    # event 3: one electrocution
    ("12/01/2017", "Lone Star Electric", "Dallas", "TX", "75201", "Worker F",
     "Employee contacted an energized power line and was electrocuted.", "Fatality", "1234580", "238210"),
]


def _csv() -> bytes:
    def quote(v: str) -> str:
        return f'"{v}"' if "," in v else v

    return (HEADER + "".join(",".join(quote(v) for v in row) + "\r\n" for row in VICTIMS)).encode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _run(world, capture, data: bytes, **params):
    with time_machine.travel(at(2026, 8, 20, 10), tick=False), capture(execute=True):
        job = import_start(kind="accidents", actor=world.user("city_admin"),
                           upload=SimpleUploadedFile("fatalities.csv", data), params=params)
    job.refresh_from_db()
    return job


def test_osha_fatality_csv_counts_deaths_per_event(world, django_capture_on_commit_callbacks):
    job = _run(world, django_capture_on_commit_callbacks, _csv(), jurisdiction=world.district_a.pk, date_order="mdy")
    assert (job.status, job.error) == (JobStatus.SUCCEEDED, "")
    assert job.result["created"] == 3 and job.result["deaths"] == 5
    roof, tank, power = Accident.objects.order_by("occurred_at")
    assert (roof.unit_name, roof.occurred_at, roof.deaths, roof.serious_injuries) == (
        "Acme Roofing LLC", at(2017, 10, 4), 2, 0)
    assert (tank.deaths, tank.serious_injuries) == (2, 1)
    assert (power.deaths, power.serious_injuries) == (1, 0)
    # the type proposed from the narrative (GB/T 6441-1986 for 2017), the keyword kept for review
    assert (roof.type_code, roof.type_name) == ("09", "高处坠落")
    assert (tank.type_code, tank.type_name) == ("19", "中毒和窒息")  # "fire department" is not a fire
    assert (power.type_code, power.type_name) == ("05", "触电")
    assert "事故类型按经过推定：高处坠落（关键词“fell”），请核对" in roof.other
    # the industry from NAICS, as a GB/T 4754 section
    assert (roof.sector.code, tank.sector.code, power.sector.code) == ("E", "N", "E")
    assert "NAICS：238160" in roof.other and "原始编号：1234567" in roof.other
    assert "伤亡人员：Worker C（死亡）；Worker D（重伤）；Worker E（死亡）" in tank.other
    assert roof.description.count("Two workers fell") == 1  # the repeated narrative is kept once
    # imported: marked, filterable in statistics, no reporting to-do, never late
    assert all(a.is_imported and a.late_minutes is None for a in (roof, tank, power))
    assert not DueItem.objects.filter(content_type=ContentType.objects.get_for_model(Accident)).exists()
    admin = world.user("city_admin")
    assert accident_list(user=admin, filters={"origin": "imported"}).count() == 3
    assert accident_list(user=admin, filters={"origin": "reported"}).count() == 0


def test_statistics_page_filters_imported(world, login, django_capture_on_commit_callbacks):
    _run(world, django_capture_on_commit_callbacks, _csv(), jurisdiction=world.district_a.pk, date_order="mdy")
    client = login("city_admin")
    page = client.get("/accidents/statistics/", {"year": 2017, "origin": "imported"})
    assert page.status_code == 200
    assert "导入的历史数据" in page.content.decode()
    assert page.context["cmp"]["current"]["deaths"] == 5
    reported = client.get("/accidents/statistics/", {"year": 2017, "origin": "reported"})
    assert reported.context["cmp"]["current"]["deaths"] == 0


def test_month_year_dates_for_historical_records(world, django_capture_on_commit_callbacks):
    data = ("发生时间,事故单位,事故经过,死亡人数\r\n2014年3月,丙机械厂,工人被冲床挤压受伤。,1\r\n").encode()
    job = _run(world, django_capture_on_commit_callbacks, data, jurisdiction=world.district_a.pk)
    assert (job.status, job.error) == (JobStatus.SUCCEEDED, "")
    acc = Accident.objects.get()
    assert acc.occurred_at == at(2014, 3, 1) and acc.type_code == "03" and acc.deaths == 1


OUTCOME_CASES = [
    ("Fatality", "deaths"), ("fatal", "deaths"), ("死亡", "deaths"), (1, "deaths"), (1.0, "deaths"),
    ("Catastrophe", "serious_injuries"), ("Hospitalized", "serious_injuries"), (2, "serious_injuries"),
    ("Non Hospitalized", "minor_injuries"), ("轻伤", "minor_injuries"), ("Y", "deaths"), ("否", ""), (None, None),
]


@pytest.mark.parametrize(("cell", "count"), OUTCOME_CASES)
def test_outcomes(cell, count):
    assert read_outcome({"outcome": cell}) == count


def test_unknown_outcome_is_an_error():
    with pytest.raises(RowError):
        read_outcome({"outcome": "maybe"})


def test_merge_keeps_an_event_figure_repeated_on_its_rows():
    base = {"occurred_at": at(2020, 1, 1), "description": "x", "other": "", "unit_name": "u",
            "_explicit": ["deaths"], "_event": "E1", "_victim": "", "missing": 0, "serious_injuries": 0,
            "minor_injuries": 0}
    events, problems = merge_events([(2, {**base, "deaths": 3}), (3, {**base, "deaths": 3}),
                                     (4, {**base, "deaths": 3, "occurred_at": at(2020, 1, 2)})])
    assert len(events) == 1 and events[0][1]["deaths"] == 3
    assert [p.row for p in problems] == [4]


PROPOSALS = [
    ("Employee fell from a ladder while painting.", "09"),
    ("工人在清理污水井时中毒窒息。", "19"),
    ("Worker was caught in the auger of a grain bin.", "03"),
    ("A trench caved in; cave-in buried the worker.", "10"),
    ("Forklift tipped over and crushed the operator.", "02"),
    ("反应釜发生爆炸。", "18"),
    ("锅炉爆炸致一人死亡。", "16"),
    ("塔吊吊物坠落砸中地面人员。", "04"),
    ("Worker drowned after falling into a pond.", "06"),
    ("Unknown circumstances.", "20"),
]


@pytest.mark.parametrize(("narrative", "code"), PROPOSALS)
def test_type_proposals(narrative, code):
    assert propose_type(narrative).code == code


@pytest.mark.parametrize(("code", "section"), [
    ("238160", "E"), ("562998", "N"), ("311111", "C"), ("236220", "E"), ("484121", "G"), ("221112", "D"),
    ("541110", "L"), ("541330", "M"), ("722511", "H"), ("921110", "S"), ("813110", "S"), ("11", "A"),
    ("999999", None), ("abc", None),
])
def test_naics_sections(code, section):
    assert naics_section(code) == section


@pytest.mark.parametrize(("code", "section"), [
    ("F", "E"), ("4100", "E"), ("F4100", "E"), ("10", "C"), ("3600", "D"), ("3811", "N"), ("58", "R"),
    ("6201", "I"), ("8510", "P"), ("Z", None), ("", None),
])
def test_isic_sections(code, section):
    assert isic_section(code) == section




def test_area_by_name_variant_or_12_digit_code(world, django_capture_on_commit_callbacks):
    data = ("发生时间,事故单位,属地,属地代码,事故经过,死亡人数\r\n"
            "2025-03-05,丁厂,甲一街道办事处,,工人触电。,1\r\n"
            "2025-03-06,戊厂,,990102001000,工人从脚手架坠落。,1\r\n").encode()
    job = _run(world, django_capture_on_commit_callbacks, data)
    assert (job.status, job.error) == (JobStatus.SUCCEEDED, "")
    a, b = Accident.objects.order_by("occurred_at")
    assert (a.jurisdiction, a.type_code, b.jurisdiction, b.type_code) == (world.street_a, "05", world.street_b, "09")


def test_a_fatality_yes_no_column_counts_deaths_per_event(world, django_capture_on_commit_callbacks):
    data = (b"Event ID,Incident Date,Establishment Name,Narrative,Fatality\r\n"
            b"E1,2019-05-01,Delta Mill,Two workers were caught in a conveyor.,Y\r\n"
            b"E1,2019-05-01,Delta Mill,Two workers were caught in a conveyor.,Yes\r\n"
            b"E1,2019-05-01,Delta Mill,Two workers were caught in a conveyor.,N\r\n")
    job = _run(world, django_capture_on_commit_callbacks, data, jurisdiction=world.district_a.pk)
    assert (job.status, job.error) == (JobStatus.SUCCEEDED, "")
    acc = Accident.objects.get()
    assert (acc.deaths, acc.type_code, acc.is_imported) == (2, "03", True)


def test_the_upload_page_shows_the_proposed_type_and_deaths_per_event_for_confirmation(
        world, login, django_capture_on_commit_callbacks):
    """The accident upload page goes through the mapping and the dry run: before anything is
    stored the page lists, per event, the type proposed from the narrative (with its keyword)
    and the deaths counted over its victim rows; the person changes one row's type, and that is
    what is stored. Imported accidents are marked and open no to-do."""
    from tests.documents.helpers import batch_of

    client = login("city_admin")
    with time_machine.travel(at(2026, 8, 20, 10), tick=False):
        response = client.post("/accidents/import/", {"file": SimpleUploadedFile("fatalities.csv", _csv()),
                                                      "jurisdiction": world.district_a.pk, "date_order": "mdy"})
        assert response.status_code == 302
        location = response["Location"]
        batch = batch_of(location)
        assert Accident.objects.count() == 0 and batch.rows.count() == 0
        form = {f"col-{i}": key for i, key in batch.mapping.items()}
        with django_capture_on_commit_callbacks(execute=True):
            client.post(location, {**form, "do": "check"})
        batch.refresh_from_db()
        assert batch.summary["failed_rows"] == 0 and Accident.objects.count() == 0
        page = client.get(location).content.decode()
        assert page.count('data-testid="confirm-row"') == 6  # three events and the victim rows merged into them
        assert "09 高处坠落（按经过推定，关键词“fell”，请核对）" in page
        assert "19 中毒和窒息（按经过推定" in page and "05 触电（按经过推定" in page
        events = {r.row_no: {c["column"]: c["new"] for c in r.changes} for r in batch.rows.all()}
        assert (events[2]["死亡人数"], events[4]["死亡人数"], events[4]["重伤人数"], events[7]["死亡人数"]) == ("2", "2", "1", "1")
        assert events[3]["伤亡人员"].startswith("并入第 2 行的事故")
        assert 'name="ov-7"' in page
        # the person changes the electrocution's type (row 7) and checks again
        with django_capture_on_commit_callbacks(execute=True):
            client.post(location, {"do": "overrides", "ov-7": "01"})
        batch.refresh_from_db()
        assert batch.status == "checked" and batch.options["overrides"] == {"7": "01"}
        assert "01 物体打击（已选择）" in client.get(location).content.decode()
        # a value outside the list is refused, nothing changes
        client.post(location, {"do": "overrides", "ov-7": "ZZ"})
        batch.refresh_from_db()
        assert batch.options["overrides"] == {"7": "01"}
        with django_capture_on_commit_callbacks(execute=True):
            client.post(location, {"do": "store"})
    batch.refresh_from_db()
    assert batch.status == "stored"
    roof, tank, power = Accident.objects.order_by("occurred_at")
    assert (roof.type_code, tank.type_code, power.type_code) == ("09", "19", "01")
    assert (roof.deaths, tank.deaths, tank.serious_injuries, power.deaths) == (2, 2, 1, 1)
    assert all(a.is_imported for a in (roof, tank, power))
    assert not DueItem.objects.filter(content_type=ContentType.objects.get_for_model(Accident)).exists()
    assert world.user("city_admin") and client.get("/accidents/", {"origin": "imported"}).status_code == 200
