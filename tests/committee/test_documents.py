"""The Word outputs — responsibility letter, notice, interview record, assessment report — open in
LibreOffice in the GB/T 9704 layout: the text is all there, in order, and the first page's image
carries the red letterhead and rule at the top (checked on the page image)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from anjian.committee.documents import interview_document, notice_document
from anjian.committee.models import Interview, Notice
from anjian.responsibility.documents import assessment_report, letter_document
from anjian.responsibility.models import Letter, Round
from tests.committee.test_authz_matrix import _scenario

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
                       reason="LibreOffice and poppler are not installed: scripts/install-office.sh"),
]


def _red_rows(png_path) -> list[int]:
    from PIL import Image

    img = Image.open(png_path).convert("RGB")
    w, h = img.size
    rows = []
    for y in range(0, h // 3):
        red = sum(1 for x in range(0, w, 2) if (p := img.getpixel((x, y)))[0] > 180 and p[1] < 90 and p[2] < 90)
        if red > 3:
            rows.append(y)
    return rows


def test_word_outputs_render_in_libreoffice(world, tmp_path):
    ids = _scenario(world)
    docs = {
        "letter": letter_document(Letter.objects.get(pk=ids["la"])),
        "notice": notice_document(Notice.objects.get(pk=ids["notice"])),
        "interview": interview_document(Interview.objects.get(pk=ids["iv"])),
        "report": assessment_report(Round.objects.get(pk=ids["round"])),
    }
    paths = []
    for name, doc in docs.items():
        path = tmp_path / f"{name}.docx"
        doc.save(path)
        paths.append(str(path))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), *paths], capture_output=True, timeout=300, check=True)
    expected = {
        "letter": ["示范市人民政府", "示安委办〔", "安全生产责任书", "甲区：", "死亡≤1", "乙方责任人"],
        "notice": ["示范市安委办", "示安委办〔", "情况通报", "示范市应急管理局："],
        "interview": ["安全生产委员会办公室", "约谈乙区记录", "约谈事由", "整改承诺", "跟踪检查"],
        "report": ["安全生产委员会办公室", "考核", "表1", "甲区", "乙区", "图1"],
    }
    for name, words in expected.items():
        pdf = tmp_path / f"{name}.pdf"
        text = "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                      check=True).stdout.split())
        positions = [text.find(w) for w in words]
        assert all(p >= 0 for p in positions), (name, words, positions)
        assert positions[0] < positions[1] or name in ("interview", "report"), (name, positions)
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / name)],
                       check=True, capture_output=True)
        if shots := os.environ.get("ANJIAN_SHOTS"):  # keep the page images to look at
            Path(shots).mkdir(parents=True, exist_ok=True)
            subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(Path(shots) / f"word-{name}")], check=True)
        page = next(tmp_path.glob(f"{name}-*1.png"))
        red = _red_rows(page)
        # the red letterhead and the red rule under the number, in the top third of page 1
        assert len(red) >= 3, (name, red)
