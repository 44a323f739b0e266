"""The monthly accident report: Word and Excel built from the statistics functions, equal to the
statistics API for the same area and month; the job, the schedule on the 1st, the reports page."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from docx import Document
from docx.oxml.ns import qn

from anjian.accidents.models import MonthlyReport
from anjian.accidents.monthly import monthly_report_generate, monthly_report_request, plain_label, trend, wan
from anjian.accidents.targets import target_set
from anjian.core.errors import DomainError, NotAllowed
from anjian.documents.models import DocumentSeries
from anjian.jobs.models import Job, JobStatus

from .factories import at, report, when

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def data(world):
    with time_machine.travel(at(2026, 8, 20), tick=False):
        report(world, **when(2025, 3, 5), deaths=1, minor_injuries=0, direct_loss_yuan=100000)
        report(world, enterprise=world.ent_b, category="road_traffic", type_code="02", **when(2026, 2, 10),
               deaths=1, minor_injuries=1, direct_loss_yuan=50000)
        report(world, **when(2026, 3, 1), deaths=1, minor_injuries=2, direct_loss_yuan=500000)
        report(world, enterprise=world.ent_b, type_code="09", **when(2026, 3, 31), deaths=3, serious_injuries=1,
               minor_injuries=0, direct_loss_yuan="1234567.89")
        report(world, enterprise=world.ent_a2, type_code="01", **when(2026, 3, 15), deaths=0, minor_injuries=1,
               direct_loss_yuan=0)
        report(world, enterprise=world.ent_a2, kind="larger_at_risk", **when(2026, 3, 16), deaths=0,
               minor_injuries=0, trapped=3)
        # after the month: must not reach the March report's target progress
        report(world, **when(2026, 4, 2), deaths=2, minor_injuries=0, direct_loss_yuan=0)
        target_set(actor=None, year=2026, jurisdiction=world.city, metric="deaths", quota=10)


def _texts(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def _table(doc, caption: str):
    """The rows (as text) of the table printed under ``caption``."""
    body = doc.element.body
    found = False
    for child in list(body):
        if child.tag.endswith("}p") and child.xpath("string(.)").strip() == caption:
            found = True
        elif found and child.tag.endswith("}tbl"):
            from docx.table import Table

            table = Table(child, doc)
            return [[c.text for c in row.cells] for row in table.rows]
    raise AssertionError(f"no table {caption}")


def _generate(world, django_capture_on_commit_callbacks, persona="city_admin", jurisdiction=None):
    with time_machine.travel(at(2026, 8, 21, 9), tick=False), django_capture_on_commit_callbacks(execute=True):
        job = monthly_report_request(actor=world.user(persona), year=2026, month=3,
                                     jurisdiction=jurisdiction or world.city)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return MonthlyReport.objects.get(pk=job.result["report"])


def test_wording_helpers():
    assert trend(3, 1) == "上升200.0%"
    assert trend(1, 4) == "下降75.0%"
    assert trend(2, 2) == "持平"
    # from a zero base: no percentage, and no "（上期为零）" before the bracket that gives the base
    assert trend(2, 0, "起") == "增加2起"
    assert plain_label("WSA10010 高处坠落") == "高处坠落"
    assert plain_label("C 制造业") == "制造业"
    assert plain_label("甲区") == "甲区"
    assert wan("1734567.89") == Decimal("173.46")


def test_docx_and_xlsx_equal_the_statistics_api(world, data, login, django_capture_on_commit_callbacks, tmp_path):
    DocumentSeries.objects.create(code="sam-accidents", prefix="示安委办", name="安委办发文",
                                  jurisdiction=world.city, department=world.committee)
    rep = _generate(world, django_capture_on_commit_callbacks)
    api = login("city_admin").get(f"/api/v1/accidents/stats/summary?year=2026&month=3&jurisdiction={world.city.code}").json()
    cur, ly, prev = (api["comparison"][k] for k in ("current", "last_year", "previous"))
    assert (cur["count"], cur["deaths"], cur["injuries"]) == (3, 4, 4)  # the fixture is what we think it is

    with rep.docx.open("rb") as fh:
        docx_bytes = fh.read()
    doc = Document(io.BytesIO(docx_bytes))
    assert rep.number == "示安委办〔2026〕1号"
    assert rep.title == "示范市2026年3月安全生产事故月报"
    texts = _texts(doc)
    assert "示安委办〔2026〕1号" in texts and "示范市安委办" in texts and "2026年8月21日" in texts
    # 版头: the office's name in red 小标宋, the number under it over the red rule
    head = [p for p in doc.paragraphs if p.text][:3]
    assert [p.text for p in head] == ["示范市安委办", "示安委办〔2026〕1号", rep.title]
    assert head[0].style.name == "发文机关标志" and str(head[0].style.font.color.rgb) == "FF0000"
    rule = head[1]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000"
    # 版记: the last table, 抄送 then 印发机关 and 印发日期
    imprint = [[c.text for c in row.cells] for row in doc.tables[-1].rows]
    assert imprint == [["抄送：示范市安全生产委员会各成员单位，各区安全生产委员会办公室。"] * 2,
                       ["示范市安委办", "2026年8月21日印发"]]
    assert (f"2026年3月，全市共发生生产安全事故{cur['count']}起，死亡{cur['deaths']}人，受伤{cur['injuries']}人"
            f"（其中重伤{cur['serious_injuries']}人），下落不明0人，直接经济损失173.46万元。") in texts
    assert "事故起数上升200.0%（去年同期1起），死亡人数上升300.0%（去年同期1人）" in texts
    assert "与上月相比，事故起数上升200.0%（上月1起），死亡人数上升300.0%（上月1人）" in texts
    assert "本月发生较大及以上事故1起，较大涉险事故1起。" in texts
    assert "从区域看，事故较多的依次是乙区（1起、死亡3人）、甲区（2起、死亡1人）。" in texts
    # one category only: not "依次是" a single item
    assert "从事故类别看，事故集中在工矿商贸（3起、死亡4人）。" in texts
    for sentence in texts.split("。"):
        if "依次是" in sentence:
            assert "、" in sentence.split("依次是", 1)[1], sentence
    # names in the prose, not codes ("WSA10010 高处坠落")
    assert not re.search(r"(依次是|集中在|、)[0-9A-Z]+ ", texts)
    assert "3月31日，乙区" in texts and "（较大事故），死亡3人、重伤1人，直接经济损失123.46万元。" in texts
    # targets: counted up to 31 March only (the April accident is not in the March report)
    assert "全部类别死亡人数：全年控制数10，截至3月31日实际5，占控制数的50.0%" in texts

    main = _table(doc, "表1 主要指标")
    assert main[1][:6] == ["事故起数(起)", str(cur["count"]), str(ly["count"]), "+200.0%", str(prev["count"]), "+200.0%"]
    assert main[2][:6] == ["死亡人数(人)", str(cur["deaths"]), str(ly["deaths"]), "+300.0%", str(prev["deaths"]), "+300.0%"]
    assert main[6][1] == str(wan(Decimal(str(cur["loss_yuan"]))))
    assert main[8][1] == str(cur["larger_at_risk"])
    districts = _table(doc, "表2 分区域情况")[1:]
    assert [(r[0], int(r[1]), int(r[2]), int(r[3])) for r in districts] == [
        (r["label"], r["count"], r["deaths"], r["injuries"]) for r in api["by"]["district"]]
    categories = _table(doc, "表3 分事故类别情况")[1:]
    assert [(r[0], int(r[1]), int(r[2])) for r in categories] == [
        (r["label"], r["count"], r["deaths"]) for r in api["by"]["category"]]
    industries = _table(doc, "表4 分行业情况")[1:]
    assert [(r[0], int(r[1])) for r in industries] == [(r["label"], r["count"]) for r in api["by"]["industry"]]
    assert len(doc.inline_shapes) == 3  # trend, districts, categories

    with rep.xlsx.open("rb") as fh:
        book = openpyxl.load_workbook(io.BytesIO(fh.read()))
    assert book.sheetnames == ["主要指标", "分区域情况", "分事故类别情况", "分行业情况", "分事故类型情况",
                               "较大及以上事故", "控制指标进展", "月度趋势"]
    sheet = book["分区域情况"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [(r[0], r[1], r[2], r[5]) for r in rows] == [
        (r["label"], r["count"], r["deaths"], float(wan(Decimal(str(r["loss_yuan"]))))) for r in api["by"]["district"]]
    trend_rows = [[c.value for c in row] for row in book["月度趋势"].iter_rows(min_row=3)]
    assert trend_rows[2] == ["3月", 3, 4, 1, 1]
    assert trend_rows[3] == ["4月", None, None, 0, 0]

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice/libreoffice) is not installed: the PDF conversion was not checked")
    source = tmp_path / "report.docx"
    source.write_bytes(docx_bytes)
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20000
    if shutil.which("pdftotext") is None:
        return
    text = "".join(subprocess.run(["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    assert text.index("示范市安委办") < text.index("示安委办〔2026〕1号") < text.index("一、总体情况")
    assert text.index("2026年8月21日") < text.index("抄送：") < text.index("2026年8月21日印发")


def test_district_report_and_regeneration_keep_the_number(world, data, login, django_capture_on_commit_callbacks):
    first = _generate(world, django_capture_on_commit_callbacks, persona="district_a", jurisdiction=world.district_a)
    assert first.number == ""  # no series for the district's office: no number
    assert first.issuer == "甲区安全生产委员会办公室"
    district_doc = Document(io.BytesIO(first.docx.open("rb").read()))
    assert next(p.text for p in district_doc.paragraphs if p.text) == "甲区安全生产委员会办公室"
    assert district_doc.tables[-1].rows[0].cells[0].text == (
        "抄送：示范市安委办，甲区安全生产委员会各成员单位，各街道安全生产委员会办公室。")
    api = login("district_a").get(
        f"/api/v1/accidents/stats/summary?year=2026&month=3&jurisdiction={world.district_a.code}").json()
    with first.docx.open("rb") as fh:
        doc = Document(io.BytesIO(fh.read()))
    assert f"2026年3月，甲区共发生生产安全事故{api['comparison']['current']['count']}起" in _texts(doc)
    again = _generate(world, django_capture_on_commit_callbacks, persona="district_a", jurisdiction=world.district_a)
    assert again.pk == first.pk and again.generations == 2
    assert MonthlyReport.objects.count() == 1


def test_only_offices_with_targets_in_scope_generate(world, data):
    with pytest.raises(NotAllowed):
        monthly_report_request(actor=world.user("district_a"), year=2026, month=3, jurisdiction=world.city)
    with pytest.raises(NotAllowed):
        monthly_report_generate(actor=world.user("regulator"), year=2026, month=3, jurisdiction=world.city)
    with time_machine.travel(at(2026, 8, 21, 9), tick=False), pytest.raises(DomainError):
        monthly_report_request(actor=world.user("city_admin"), year=2026, month=9, jurisdiction=world.city)
    assert MonthlyReport.objects.count() == 0 and Job.objects.count() == 0


def test_scheduled_task_reports_the_previous_month(world, data, django_capture_on_commit_callbacks):
    from anjian.accidents.tasks import monthly_report_task

    with time_machine.travel(at(2026, 4, 1, 6), tick=False), django_capture_on_commit_callbacks(execute=True):
        monthly_report_task()
    rep = MonthlyReport.objects.get()
    assert (rep.year, rep.month, rep.jurisdiction, rep.generated_by) == (2026, 3, world.city, None)
    assert rep.summary["comparison"]["current"]["deaths"] == 4
    assert Job.objects.get().status == JobStatus.SUCCEEDED


def test_schedule_is_the_first_of_the_month_at_six():
    from anjian.accidents.tasks import monthly_report_task

    validate = monthly_report_task.task_class().validate_datetime
    assert validate(dt.datetime(2026, 5, 1, 6, 0))
    assert not validate(dt.datetime(2026, 5, 2, 6, 0))
    assert not validate(dt.datetime(2026, 5, 1, 7, 0))


PAGE = {"city_admin": 200, "district_a": 200, "district_b": 200, "regulator": 200, "grid_inspector": 200,
        "enterprise": 200, "anonymous": 302}


@pytest.mark.parametrize("persona", list(PAGE))
def test_reports_page_matrix(world, data, login, persona, django_capture_on_commit_callbacks):
    rep = _generate(world, django_capture_on_commit_callbacks)
    client = login(persona)
    page = client.get("/accidents/reports/")
    assert page.status_code == PAGE[persona]
    download = client.get(f"/accidents/reports/{rep.pk}/docx/")
    # the city report holds city-wide figures: only city-wide scopes (the city office, the city
    # department) may read it; district offices, grid inspectors and enterprises get a 404
    assert download.status_code == {"city_admin": 200, "regulator": 200, "anonymous": 302}.get(persona, 404)
    if download.status_code == 200:
        assert b"".join(download.streaming_content)[:2] == b"PK"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post = client.post("/accidents/reports/", {"report": rep.pk})
    allowed = persona == "city_admin"
    assert post.status_code == (302 if allowed or persona == "anonymous" else 404)
    assert Job.objects.filter(kind="accidents.monthly_report").count() == (2 if allowed else 1)
    assert len(callbacks) == (1 if allowed else 0)


def test_a_month_with_many_larger_accidents_tells_the_gravest_and_tables_all(world, django_capture_on_commit_callbacks,
                                                                              monkeypatch):
    import anjian.accidents.monthly as monthly

    monkeypatch.setattr(monthly, "LARGER_NARRATED", 2)
    with time_machine.travel(at(2026, 8, 20), tick=False):
        for day, deaths in ((3, 3), (9, 5), (14, 4), (20, 3)):
            report(world, **when(2026, 3, day), deaths=deaths, minor_injuries=0, direct_loss_yuan=0)
        target_set(actor=None, year=2026, jurisdiction=world.city, metric="deaths", quota=40)
    doc = Document(io.BytesIO(_generate(world, django_capture_on_commit_callbacks).docx.open("rb").read()))
    text = _texts(doc)
    assert "本月发生较大及以上事故4起，以下为伤亡最重的2起，全部事故见表6。" in text
    told = [line for line in text.splitlines() if "发生一起" in line]
    assert [line.split("，")[0] for line in told] == ["3月9日", "3月14日"]  # the two gravest, in date order
    assert len(_table(doc, "表6 较大及以上事故")) == 1 + 4


def test_a_zero_base_is_said_once(world, data, django_capture_on_commit_callbacks):
    """乙区 had no accident in March 2025: "增加1起（去年同期0起）", not "增加1（上期为零）（去年同期0起）"."""
    rep = _generate(world, django_capture_on_commit_callbacks, persona="district_b", jurisdiction=world.district_b)
    texts = _texts(Document(io.BytesIO(rep.docx.open("rb").read())))
    assert "与去年同期相比，事故起数增加1起（去年同期0起），死亡人数增加3人（去年同期0人）" in texts
    assert "上期为零" not in texts


def test_the_running_month_is_refused_and_uses_no_number(world, data, login):
    series = DocumentSeries.objects.create(code="sam-accidents", prefix="示安委办", name="安委办发文",
                                           jurisdiction=world.city, department=world.committee)
    with time_machine.travel(at(2026, 12, 6, 10), tick=False):
        with pytest.raises(DomainError) as refused:
            monthly_report_request(actor=world.user("city_admin"), year=2026, month=12, jurisdiction=world.city)
        assert "12月尚未结束" in refused.value.message
        with pytest.raises(DomainError):
            monthly_report_generate(actor=world.user("city_admin"), year=2026, month=12, jurisdiction=world.city)
        page = login("city_admin").post("/accidents/reports/", {"jurisdiction": world.city.pk, "year": 2026,
                                                                 "month": 12}, follow=True)
    assert "12月尚未结束，不能生成本月月报" in page.content.decode()
    assert MonthlyReport.objects.count() == 0 and Job.objects.count() == 0
    series.refresh_from_db()
    assert not series.numbers.exists()


def test_targets_are_counted_up_to_the_last_day_that_has_passed(world, data):
    from anjian.accidents.monthly import report_data, summary_paragraphs

    with time_machine.travel(at(2026, 8, 21, 9), tick=False):
        d = report_data(year=2026, month=3, jurisdiction=world.city)
    assert d["as_of"] == dt.date(2026, 3, 31)
    # a month still running (what a draft would show) counts up to today, not to the 31st
    with time_machine.travel(at(2026, 12, 6, 9), tick=False):
        d = report_data(year=2026, month=12, jurisdiction=world.city)
        text = "".join(summary_paragraphs(d, world.city)["控制指标进展"])
    assert d["as_of"] == dt.date(2026, 12, 6)
    assert "截至12月6日" in text and "截至12月31日" not in text


def test_the_reports_page_shows_a_generation_when_it_is_done(world, data, login, django_capture_on_commit_callbacks):
    client = login("city_admin")
    with time_machine.travel(at(2026, 8, 21, 9), tick=False):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            client.post("/accidents/reports/", {"jurisdiction": world.city.pk, "year": 2026, "month": 3})
        page = client.get("/accidents/reports/").content.decode()
        # the list polls itself while the job runs
        assert 'hx-trigger="every 2s"' in page and "正在生成“示范市2026年3月安全生产事故月报”" in page
        partial = client.get("/accidents/reports/", HTTP_HX_REQUEST="true").content.decode()
        assert partial.startswith('<div id="reports-list"') and "<html" not in partial
        for callback in callbacks:
            callback()
        done = client.get("/accidents/reports/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and "正在生成" not in done
    report_pk = MonthlyReport.objects.get().pk
    assert f"/accidents/reports/{report_pk}/docx/" in done
