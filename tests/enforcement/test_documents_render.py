"""Every document of a case file — the hearing's included — and the on-site record, opened in
LibreOffice: converted to PDF, the text checked for each document's title, number and fields, and
page 1 rendered as an image (the red letterhead at the top, text on the page)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine

from anjian.enforcement import documents, services
from anjian.enforcement.models import DocKind
from tests.enforcement.helpers import (
    FINE,
    HEARING_FINE,
    NOW,
    TZ,
    filed_case,
    inspection_with_findings,
    inspectors,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
                       reason="LibreOffice and poppler are not installed: scripts/install-office.sh"),
]


def _at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=TZ)


def _full_case(world):
    reg, ent = world.users["regulator"], world.users["enterprise"]
    with time_machine.travel(NOW, tick=False):
        officers = inspectors(world)
        case = filed_case(world, officers)
        order = services.case_order(actor=reg, case=case, items=["恢复可燃气体报警器", "建立维护台账"],
                                    deadline=dt.date(2026, 3, 16))
        services.case_recheck(actor=reg, order=order, results=["已恢复", "已建立"], passed=True)
        services.case_notify(actor=reg, case=case, facts="储罐区可燃气体报警器未投用", legal_basis="《安全生产法》第三十六条第二款",
                             penalty_basis="《安全生产法》第九十九条第（二）项", penalty_kind="fine", proposed_fine=HEARING_FINE)
        services.case_respond(actor=ent, case=case, statement="已整改，请求从轻处罚", hearing_requested=True)
        services.case_hearing_notice(actor=reg, case=case, hearing_at=_at(11, 10), place="示范区应急管理局第一会议室",
                                     host="孙法制")
    with time_machine.travel(_at(11, 12), tick=False):
        services.case_hearing_record(actor=reg, case=case, held_on=dt.date(2026, 3, 11), attendees="主持人孙法制；当事人代理人赵安全",
                                     proceedings="调查人员陈述事实与证据；当事人申辩已整改。")
        services.case_hearing_report(actor=reg, case=case, opinion="事实清楚，证据确凿。", recommendation="建议罚款二万元")
        services.case_decide(actor=reg, case=case, penalty_kind="fine", fine=FINE)
        services.case_deliver(actor=reg, case=case, delivered_on=dt.date(2026, 3, 11), method="直接送达", received_by="赵安全")
    with time_machine.travel(_at(30), tick=False):
        services.case_dun(actor=reg, case=case)
        services.case_pay(actor=ent, case=case, paid_on=dt.date(2026, 3, 30))
        services.case_close(actor=reg, case=case, note="罚款及加处罚款已缴清")
    with time_machine.travel(NOW, tick=False):
        insp, _h, _v = inspection_with_findings(world, officers)
        simple = services.case_on_the_spot(actor=reg, inspection=insp, cause="安全警示标志缺失", facts="作业现场未设置安全警示标志",
                                           legal_basis="《安全生产法》第三十五条", penalty_basis="《安全生产法》第九十九条第（一）项",
                                           penalty_kind="fine", fine=2000, received_by="赵安全")
    return case, simple, insp


EXPECTED = {
    DocKind.FILING: ["立案审批表", "案由", "第六十条"],
    DocKind.ORDER: ["责令限期整改指令书", "恢复可燃气体报警器", "第六十五条"],
    DocKind.RECHECK: ["整改复查意见书", "复查结论"],
    DocKind.NOTICE: ["行政处罚告知书", "听证", "2026年3月9日"],
    DocKind.STATEMENT: ["陈述申辩笔录", "申请听证：是"],
    DocKind.HEARING_NOTICE: ["听证会通知书", "2026年3月11日10时00分", "孙法制", "第六十四条"],
    DocKind.HEARING_RECORD: ["听证笔录", "主持人：孙法制", "听证过程", "审核"],
    DocKind.HEARING_REPORT: ["听证会报告书", "处理建议", "第六十五条"],
    DocKind.DECISION: ["行政处罚决定书", "组织了听证", "罚款人民币20,000.00元", "十五日内"],
    DocKind.RECEIPT: ["送达回执", "直接送达", "赵安全"],
    DocKind.DUNNING: ["罚款催缴通知书", "加处罚款"],
    DocKind.CLOSING: ["结案审批表", "同意结案"],
    DocKind.SIMPLE: ["当场行政处罚决定书", "罚款人民币2,000.00元", "当场交付"],
}


def _red_rows(png_path) -> int:
    from PIL import Image

    img = Image.open(png_path).convert("RGB")
    w, h = img.size
    return sum(1 for y in range(h // 3)
               if sum(1 for x in range(0, w, 2) if (p := img.getpixel((x, y)))[0] > 180 and p[1] < 90 and p[2] < 90) > 3)


def _ink(png_path) -> float:
    from PIL import Image

    img = Image.open(png_path).convert("L")
    hist = img.histogram()
    return sum(hist[:128]) / (img.size[0] * img.size[1])


def test_every_document_renders_in_libreoffice(world, tmp_path):
    case, simple, insp = _full_case(world)
    files: dict[str, tuple[Path, list[str]]] = {}
    for doc in [*case.documents.all(), *simple.documents.all()]:
        path = tmp_path / f"{doc.kind}-{doc.pk}.docx"
        path.write_bytes(documents.document_bytes(doc))
        words = [*EXPECTED[doc.kind], *([doc.number] if doc.number else [])]
        files[path.stem] = (path, words)
    insp.refresh_from_db()  # the record's number is given when the inspection is completed
    record = tmp_path / "record.docx"
    record.write_bytes(documents.inspection_record_bytes(insp))
    files["record"] = (record, ["现场检查记录", insp.record_number, "执法人员及证号", "第六十七条"])
    kinds = {p.stem.split("-")[0] for p, _w in files.values()} - {"record"}
    assert kinds == {k.value for k in EXPECTED}  # every kind of the case file, the hearing's included
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), *[str(p) for p, _w in files.values()]],
                   capture_output=True, timeout=600, check=True)
    for stem, (_path, words) in files.items():
        pdf = tmp_path / f"{stem}.pdf"
        text = "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                      check=True).stdout.split())
        missing = [w for w in words if "".join(w.split()) not in text]
        assert not missing, (stem, missing)
        assert world.ent_a.name in text or stem.startswith("record"), stem
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / stem)],
                       check=True, capture_output=True)
        page = next(tmp_path.glob(f"{stem}-*1.png"))
        assert _red_rows(page) >= 3, stem  # the department's red letterhead
        assert 0.002 < _ink(page) < 0.5, stem  # text on the page, not blank, not a black box
        if shots := os.environ.get("ANJIAN_SHOTS"):  # keep the page images to look at
            Path(shots).mkdir(parents=True, exist_ok=True)
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(Path(shots) / f"enf-{stem}")],
                           check=True)
