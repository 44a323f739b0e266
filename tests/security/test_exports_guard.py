"""Issue 13 item 10: CSV cells starting with a TAB or CR are guarded like = + - @."""

from __future__ import annotations

import csv
import io

import pytest

from anjian.documents.exports import Column, iter_csv


@pytest.mark.parametrize("evil", ["\t=cmd|' /C calc'!A0", "\r=HYPERLINK(\"http://x\")", "=1+1", "@SUM(A1)", "-2+3"])
def test_csv_guards_formula_starts(evil):
    text = "".join(iter_csv([{"v": evil}], [Column("值", lambda r: r["v"])]))
    [_header, [cell]] = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert cell == "'" + evil
