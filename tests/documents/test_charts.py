"""Chart images for documents: PNG bytes, A4-sized, drawn in the bundled Chinese font.

No Django needed: ``pytest -p no:django tests/documents/test_charts.py``.
"""

from __future__ import annotations

import io
import struct
import warnings
from decimal import Decimal

import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from PIL import Image

from anjian.documents import charts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DISTRICTS = ["福田区", "罗湖区", "南山区", "宝安区"]
BY_RISK = {
    "重大风险": [1, 0, 2, 3],
    "较大风险": [4, 2, 5, 6],
    "一般风险": [12, 9, 15, 20],
    "低风险": [30, 21, 40, 52],
}


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def colours_in(data: bytes) -> set[str]:
    image = Image.open(io.BytesIO(data)).convert("RGB")
    return {"#{:02x}{:02x}{:02x}".format(*rgb) for _count, rgb in image.getcolors(maxcolors=1 << 20)}


def test_bundled_font_is_the_simplified_chinese_noto_sans() -> None:
    assert charts.FONT_PATH.name == "NotoSansSC-Regular.ttf"
    assert charts.FONT_PATH.is_file()
    assert (charts.FONT_PATH.parent / "OFL.txt").is_file()
    assert charts.chart_font_family() == "Noto Sans SC"


def test_matplotlib_resolves_the_family_to_the_bundled_file() -> None:
    family = charts.chart_font_family()
    found = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert found == str(charts.FONT_PATH)


def test_bundled_font_covers_the_chinese_used_in_reports() -> None:
    charmap = FT2Font(str(charts.FONT_PATH)).get_charmap()
    text = "安全生产隐患排查治理重大较大一般低风险福田罗湖南山宝安龙岗区〔〕（）：，。%—"
    assert [ch for ch in text if ord(ch) not in charmap] == []


@pytest.mark.parametrize(
    "make",
    [
        lambda: charts.bar_chart(DISTRICTS, BY_RISK, title="各区隐患数量", ylabel="隐患数（项）"),
        lambda: charts.bar_chart(DISTRICTS, BY_RISK, title="各区隐患数量", stacked=True),
        lambda: charts.line_chart(["1月", "2月", "3月", "4月"], {"排查": [3, 5, None, 8]}, title="趋势"),
        lambda: charts.pie_chart(list(BY_RISK), [6, 17, 56, 143], title="风险等级分布"),
    ],
    ids=["bar", "stacked-bar", "line", "pie"],
)
def test_charts_are_png_sized_for_an_a4_text_block(make) -> None:
    with warnings.catch_warnings():
        # matplotlib warns "Glyph ... missing from font(s)" when it draws a box instead of a character
        warnings.filterwarnings("error", message=r"Glyph .* missing")
        data = make()
    width, height = png_size(data)
    # 15 cm x 9 cm at 200 dpi
    assert (width, height) == (1181, 708)


def test_size_and_resolution_can_be_chosen() -> None:
    data = charts.bar_chart(["甲"], {"数量": [1]}, width_cm=10, height_cm=5, dpi=100)
    assert png_size(data) == (393, 196)


def test_negative_values_render_without_missing_glyphs() -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph .* missing")
        data = charts.line_chart(["一季度", "二季度"], {"同比增减": [-12.5, 3]}, title="同比变化")
    assert data[:8] == PNG_SIGNATURE


def test_same_data_gives_the_same_bytes() -> None:
    first = charts.bar_chart(DISTRICTS, BY_RISK, title="各区隐患数量")
    second = charts.bar_chart(DISTRICTS, BY_RISK, title="各区隐患数量")
    assert first == second


def test_risk_level_series_get_the_fixed_colours() -> None:
    data = charts.bar_chart(DISTRICTS, BY_RISK, title="各区隐患数量", value_labels=False)
    present = colours_in(data)
    assert {charts.RISK_COLOURS[level] for level in ("red", "orange", "yellow", "blue")} <= present


def test_ordinary_series_do_not_take_risk_colours() -> None:
    data = charts.bar_chart(DISTRICTS, {"检查次数": [3, 5, 2, 7]}, value_labels=False)
    assert set(charts.RISK_COLOURS.values()) & colours_in(data) == set()
    assert charts.PALETTE[0] in colours_in(data)


def test_explicit_colours_override_the_risk_colours() -> None:
    data = charts.pie_chart(
        ["重大风险", "低风险"], [1, 3], colours={"重大风险": "#000000"}, show_percent=False
    )
    present = colours_in(data)
    assert "#000000" in present
    assert charts.RISK_COLOURS["red"] not in present


@pytest.mark.parametrize(
    ("name", "expected"),
    [("重大风险", "#d9001b"), ("较大", "#e86a00"), ("黄", "#f5c400"), ("blue", "#1a66cc"), ("福田区", None)],
)
def test_risk_colour_by_name(name: str, expected: str | None) -> None:
    assert charts.risk_colour(name) == expected


def test_pie_with_only_zeros_still_draws() -> None:
    data = charts.pie_chart(["重大风险", "较大风险"], [0, 0], title="暂无隐患")
    assert png_size(data) == (1181, 708)


def test_decimal_values_are_accepted() -> None:
    data = charts.bar_chart(["甲", "乙"], {"金额（万元）": [Decimal("12.5"), Decimal("3.0")]})
    assert data[:8] == PNG_SIGNATURE


def test_series_length_must_match_categories() -> None:
    with pytest.raises(ValueError, match="has 2 values for 3 categories"):
        charts.bar_chart(["甲", "乙", "丙"], {"数量": [1, 2]})


def test_values_must_be_numbers() -> None:
    with pytest.raises(TypeError, match="must be a number"):
        charts.bar_chart(["甲"], {"数量": ["12"]})  # type: ignore[list-item]


def test_pie_rejects_negative_values() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        charts.pie_chart(["甲", "乙"], [3, -1])


def test_empty_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="no categories"):
        charts.bar_chart([], {"数量": []})
    with pytest.raises(ValueError, match="no series"):
        charts.line_chart(["甲"], {})
