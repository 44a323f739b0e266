"""Chart images for generated documents (Word reports, notices), as PNG bytes.

matplotlib draws them without a display (the Agg canvas, no pyplot) in the bundled Simplified
Chinese font ``anjian/fonts/NotoSansSC-Regular.ttf`` (OFL), so that Chinese renders on any host;
the system fonts are not used for text. The default size fits an A4 text block (GB/T 9704: 156 mm
wide): 15 cm wide at 200 dpi.

No Django import: callers pass plain sequences and mappings and get ``bytes`` back.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, SupportsFloat

from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from anjian.rules.risk import RiskColour

__all__ = [
    "FONT_PATH",
    "PALETTE",
    "RISK_COLOURS",
    "RISK_LEVEL_NAMES",
    "bar_chart",
    "chart_font_family",
    "line_chart",
    "pie_chart",
    "risk_colour",
]

FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "NotoSansSC-Regular.ttf"

# The fixed risk colours (ux.md: 红 重大, 橙 较大, 黄 一般, 蓝 低), the same on maps, tags and charts.
# Kept here until a shared home exists; the lead may move them to anjian/rules/risk.py and import
# them from there.
# The fixed risk colours come from one place, the rules (红 重大, 橙 较大, 黄 一般, 蓝 低).
RISK_COLOURS: Mapping[str, str] = {c.name.lower(): c.hex for c in RiskColour}

# Chinese names by which a series, category or pie slice is recognised as a risk level.
RISK_LEVEL_NAMES: Mapping[str, str] = {
    "重大风险": "red",
    "重大": "red",
    "红": "red",
    "红色": "red",
    "较大风险": "orange",
    "较大": "orange",
    "橙": "orange",
    "橙色": "orange",
    "一般风险": "yellow",
    "一般": "yellow",
    "黄": "yellow",
    "黄色": "yellow",
    "低风险": "blue",
    "低": "blue",
    "蓝": "blue",
    "蓝色": "blue",
}

# Colours for series that are not risk levels: muted, distinguishable in print, and none of them
# close to the risk red/orange/yellow, so a reader does not take a district for a risk level.
PALETTE: tuple[str, ...] = (
    "#3b6ea8",
    "#5a9e6f",
    "#8a6bb5",
    "#4aa6b0",
    "#9c6b4e",
    "#6f7f95",
    "#b5679a",
    "#7f9c3a",
)

DEFAULT_WIDTH_CM = 15.0
DEFAULT_HEIGHT_CM = 9.0
DEFAULT_DPI = 200

_CM_PER_INCH = 2.54
# matplotlib's rcParams and font cache are process-wide and not thread-safe: one chart at a time.
_RENDER_LOCK = threading.Lock()


def risk_colour(name: str) -> str | None:
    """The fixed colour for a risk level given as ``red``/``orange``/... or a Chinese name, else None."""
    key = name.strip()
    if key in RISK_COLOURS:
        return RISK_COLOURS[key]
    level = RISK_LEVEL_NAMES.get(key)
    return RISK_COLOURS[level] if level else None


@cache
def chart_font_family() -> str:
    """Register the bundled font with matplotlib (once) and return its family name."""
    if not FONT_PATH.is_file():
        raise FileNotFoundError(f"bundled chart font missing: {FONT_PATH}")
    font_manager.fontManager.addfont(str(FONT_PATH))
    return font_manager.FontProperties(fname=str(FONT_PATH)).get_name()


def bar_chart(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str = "",
    ylabel: str = "",
    colours: Mapping[str, str] | None = None,
    stacked: bool = False,
    value_labels: bool = True,
    width_cm: float = DEFAULT_WIDTH_CM,
    height_cm: float = DEFAULT_HEIGHT_CM,
    dpi: int = DEFAULT_DPI,
) -> bytes:
    """A vertical bar chart, one group of bars per category and one bar per series; PNG bytes.

    ``series`` maps a legend name to one value per category. A series named after a risk level
    (``重大风险``, ``较大``, ``红``...) gets its fixed colour; ``colours`` overrides any series'.
    ``stacked`` stacks the series instead of grouping them side by side.
    """
    names, rows = _numbers(categories, series)
    colour_list = _series_colours(names, colours)
    with _figure(width_cm, height_cm, dpi) as fig:
        ax = fig.add_subplot()
        count = len(names)
        positions = list(range(len(categories)))
        group_width = 0.8
        bar_width = group_width if stacked else group_width / count
        bottoms: list[float] = [0.0] * len(categories)
        for index, (name, values, colour) in enumerate(zip(names, rows, colour_list, strict=True)):
            offset = 0.0 if stacked else -group_width / 2 + bar_width * (index + 0.5)
            xs = [x + offset for x in positions]
            bars = ax.bar(
                xs,
                values,
                width=bar_width,
                bottom=bottoms if stacked else None,
                label=name,
                color=colour,
                edgecolor="white",
                linewidth=0.5,
                zorder=2,
            )
            if value_labels and len(categories) * count <= 48:
                labels = [_format_number(v) if v else "" for v in values]
                ax.bar_label(
                    bars,
                    labels=labels,
                    label_type="center" if stacked else "edge",
                    padding=0 if stacked else 2,
                    fontsize=7.5,
                    color="white" if stacked else "#333333",
                )
            if stacked:
                bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        ax.set_xticks(positions)
        _set_category_labels(ax, categories)
        _style_value_axis(ax, [v for row in rows for v in row], ylabel)
        if stacked and value_labels and len(categories) <= 24:
            for x, total in zip(positions, bottoms, strict=True):
                ax.annotate(
                    _format_number(total),
                    (x, total),
                    xytext=(0, 2),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=7.5,
                    color="#333333",
                )
        ax.margins(y=0.12)
        _finish(fig, ax, title, legend=count > 1)
        return _png(fig)


def line_chart(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str = "",
    ylabel: str = "",
    colours: Mapping[str, str] | None = None,
    markers: bool = True,
    value_labels: bool = False,
    width_cm: float = DEFAULT_WIDTH_CM,
    height_cm: float = DEFAULT_HEIGHT_CM,
    dpi: int = DEFAULT_DPI,
) -> bytes:
    """A line chart (e.g. a monthly trend), one line per series over ``categories``; PNG bytes.

    ``None`` in a series leaves a gap (a month without data). Risk-level series names get their
    fixed colours, as in :func:`bar_chart`.
    """
    names, rows = _numbers_or_gaps(categories, series)
    colour_list = _series_colours(names, colours)
    with _figure(width_cm, height_cm, dpi) as fig:
        ax = fig.add_subplot()
        positions = list(range(len(categories)))
        for name, values, colour in zip(names, rows, colour_list, strict=True):
            ys = [float("nan") if v is None else v for v in values]
            ax.plot(
                positions,
                ys,
                label=name,
                color=colour,
                linewidth=1.8,
                marker="o" if markers else None,
                markersize=3.5,
                zorder=3,
            )
            if value_labels:
                for x, v in zip(positions, values, strict=True):
                    if v is not None:
                        ax.annotate(
                            _format_number(v),
                            (x, v),
                            xytext=(0, 4),
                            textcoords="offset points",
                            ha="center",
                            fontsize=7.5,
                            color=colour,
                        )
        ax.set_xticks(positions)
        _set_category_labels(ax, categories)
        _style_value_axis(ax, [v for row in rows for v in row if v is not None], ylabel)
        ax.set_xlim(-0.5, len(categories) - 0.5)
        ax.margins(y=0.12)
        _finish(fig, ax, title, legend=len(names) > 1)
        return _png(fig)


def pie_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str = "",
    colours: Mapping[str, str] | None = None,
    donut: bool = True,
    show_percent: bool = True,
    width_cm: float = DEFAULT_WIDTH_CM,
    height_cm: float = DEFAULT_HEIGHT_CM,
    dpi: int = DEFAULT_DPI,
) -> bytes:
    """A pie (by default a ring) of shares, e.g. hazards by risk level; PNG bytes.

    Slices named after a risk level (``重大风险``...) get their fixed colours. The legend shows
    each label with its value and percentage. All-zero values draw a ring with "暂无数据".
    """
    if len(labels) != len(values):
        raise ValueError(f"pie_chart: {len(labels)} labels but {len(values)} values")
    if not labels:
        raise ValueError("pie_chart: no slices")
    numbers = [_as_number(v, "pie_chart value") for v in values]
    if any(v < 0 for v in numbers):
        raise ValueError("pie_chart: values must not be negative")
    colour_list = _series_colours(list(labels), colours)
    total = sum(numbers)
    with _figure(width_cm, height_cm, dpi) as fig:
        ax = fig.add_subplot()
        ax.set_aspect("equal")
        ring = (
            {"width": 0.42, "edgecolor": "white", "linewidth": 1.0}
            if donut
            else {
                "edgecolor": "white",
                "linewidth": 1.0,
            }
        )
        if total == 0:
            ax.pie([1], colors=["#e5e5e5"], wedgeprops=ring, startangle=90)
            ax.text(0, 0, "暂无数据", ha="center", va="center", fontsize=11, color="#666666")
        else:
            kept = [(lb, v, c) for lb, v, c in zip(labels, numbers, colour_list, strict=True) if v > 0]

            def _autopct(pct: float) -> str:
                return f"{pct:.1f}%" if show_percent and pct >= 3 else ""

            _, _, autotexts = ax.pie(
                [v for _, v, _ in kept],
                colors=[c for _, _, c in kept],
                wedgeprops=ring,
                startangle=90,
                counterclock=False,
                autopct=_autopct,
                pctdistance=0.79 if donut else 0.65,
                textprops={"fontsize": 8.5},
            )
            for text in autotexts:
                text.set_color("white")
            if donut:
                ax.text(0, 0.08, _format_number(total), ha="center", va="center", fontsize=14)
                ax.text(0, -0.16, "合计", ha="center", va="center", fontsize=9, color="#666666")
        legend_labels = [
            f"{label}  {_format_number(v)}" + (f"（{v / total:.1%}）" if total else "")
            for label, v in zip(labels, numbers, strict=True)
        ]
        handles = [_patch(c) for c in colour_list]
        ax.legend(
            handles,
            legend_labels,
            loc="center left",
            bbox_to_anchor=(1.02, 0.5),
            frameon=False,
            fontsize=9,
        )
        if title:
            fig.suptitle(title, fontsize=12.5)
        return _png(fig)


# --- helpers ---------------------------------------------------------------------------------


@contextmanager
def _figure(width_cm: float, height_cm: float, dpi: int) -> Iterator[Figure]:
    if width_cm <= 0 or height_cm <= 0 or dpi <= 0:
        raise ValueError("chart size and dpi must be positive")
    family = chart_font_family()
    settings: Any = {
        "font.family": "sans-serif",
        # DejaVu Sans (shipped inside matplotlib) only backs up glyphs Noto Sans SC lacks
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "font.size": 9.5,
        "axes.titlesize": 12.5,
        "axes.labelsize": 9.5,
        "axes.edgecolor": "#888888",
        "axes.linewidth": 0.6,
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "svg.fonttype": "none",
        "pdf.fonttype": 42,
    }
    with _RENDER_LOCK, rc_context(settings):
        fig = Figure(
            figsize=(width_cm / _CM_PER_INCH, height_cm / _CM_PER_INCH),
            dpi=dpi,
            layout="constrained",
            facecolor="white",
        )
        yield fig


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    # no "Software" entry: the same data gives the same bytes across matplotlib builds
    fig.savefig(buffer, format="png", dpi=fig.dpi, facecolor="white", metadata={"Software": None})
    return buffer.getvalue()


def _numbers_or_gaps(
    categories: Sequence[str], series: Mapping[str, Sequence[float | None]]
) -> tuple[list[str], list[list[float | None]]]:
    """Check the shape and types; ``None`` stays (a gap)."""
    if not categories:
        raise ValueError("chart: no categories")
    if not series:
        raise ValueError("chart: no series")
    names: list[str] = []
    rows: list[list[float | None]] = []
    for name, values in series.items():
        if len(values) != len(categories):
            raise ValueError(
                f"chart: series {name!r} has {len(values)} values for {len(categories)} categories"
            )
        names.append(str(name))
        rows.append([None if v is None else _as_number(v, f"series {name!r} value") for v in values])
    return names, rows


def _numbers(
    categories: Sequence[str], series: Mapping[str, Sequence[float]]
) -> tuple[list[str], list[list[float]]]:
    """Check the shape and types; ``None`` is not allowed."""
    names, rows = _numbers_or_gaps(categories, series)
    for name, row in zip(names, rows, strict=True):
        if None in row:
            raise TypeError(f"chart: series {name!r} value must be a number, got None")
    return names, [[v for v in row if v is not None] for row in rows]


def _as_number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, SupportsFloat):
        raise TypeError(f"chart: {what} must be a number, got {value!r}")
    return float(value)


def _series_colours(names: Sequence[str], overrides: Mapping[str, str] | None) -> list[str]:
    chosen: list[str] = []
    free = iter(PALETTE * (len(names) // len(PALETTE) + 1))
    for name in names:
        if overrides and name in overrides:
            chosen.append(overrides[name])
        elif (fixed := risk_colour(name)) is not None:
            chosen.append(fixed)
        else:
            chosen.append(next(free))
    return chosen


def _format_number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _set_category_labels(ax: Axes, categories: Sequence[str]) -> None:
    longest = max(len(str(c)) for c in categories)
    crowded = len(categories) * max(longest, 2) > 60
    ax.set_xticklabels(
        [str(c) for c in categories],
        rotation=30 if crowded else 0,
        ha="right" if crowded else "center",
        rotation_mode="anchor" if crowded else "default",
    )
    ax.tick_params(axis="x", length=0)


def _style_value_axis(ax: Axes, values: Sequence[float], ylabel: str) -> None:
    if ylabel:
        ax.set_ylabel(ylabel)
    if all(float(v).is_integer() for v in values):
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _format_number(v)))
    if values and min(values) >= 0:
        ax.set_ylim(bottom=0)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _finish(fig: Figure, ax: Axes, title: str, *, legend: bool) -> None:
    if title:
        ax.set_title(title, pad=8)
    if legend:
        handles, labels = ax.get_legend_handles_labels()
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncols=min(len(labels), 5),
            frameon=False,
        )


def _patch(colour: str) -> Patch:
    return Patch(facecolor=colour, edgecolor="none")
