"""Horizontal grouped bar charts as plain geometry for an inline SVG (templates/_bar_chart.html): a value axis
starting at zero with round ticks and grid lines, one group of bars per category, a legend, and every value
written beside its bar, so that a zero reads as "0" and not as a missing bar."""

from __future__ import annotations

import math
from dataclasses import dataclass

LABEL_W, PLOT_W, RIGHT = 230, 430, 40
BAR_H, GAP, TOP, AXIS_H, LEGEND_H = 14, 10, 28, 26, 22
COLOURS = ("#0b4f8a", "#b35900", "#1e5e2b", "#7a1f5c", "#4a4a4a")  # ≥ 4.5:1 on white, told apart by the legend


@dataclass(frozen=True)
class Bar:
    series: str
    colour: str
    value: float
    x: float
    y: float
    width: float


@dataclass(frozen=True)
class Group:
    label: str
    y: float
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    title: str
    groups: list[Group]
    ticks: list[tuple[float, str]]  # (x, text)
    legend: list[tuple[str, str]]  # (colour, name)
    width: int
    height: int
    plot_x: int
    plot_top: int
    plot_bottom: float


def nice_ticks(peak: float) -> list[float]:
    """0 and round steps up to at least `peak` (at most ~6 ticks); [0, 1] when everything is zero."""
    if peak <= 0:
        return [0.0, 1.0]
    raw = peak / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(step, 1.0)
    top = math.ceil(peak / step) * step
    return [i * step for i in range(round(top / step) + 1)]


def bar_chart(title: str, categories: list[str], series: list[tuple[str, list[float]]]) -> Chart:
    ticks = nice_ticks(max([v for _, values in series for v in values] + [0]))
    scale = PLOT_W / ticks[-1]
    group_h = len(series) * BAR_H + GAP
    groups = []
    for i, category in enumerate(categories):
        y0 = TOP + LEGEND_H + i * group_h
        bars = [
            Bar(name, COLOURS[j % len(COLOURS)], values[i], LABEL_W, y0 + j * BAR_H, round(values[i] * scale, 1))
            for j, (name, values) in enumerate(series)
        ]
        groups.append(Group(category, y0, bars))
    bottom = TOP + LEGEND_H + len(categories) * group_h
    return Chart(
        title=title,
        groups=groups,
        ticks=[(round(LABEL_W + t * scale, 1), f"{t:g}") for t in ticks],
        legend=[(COLOURS[j % len(COLOURS)], name) for j, (name, _) in enumerate(series)],
        width=LABEL_W + PLOT_W + RIGHT,
        height=int(bottom + AXIS_H),
        plot_x=LABEL_W,
        plot_top=TOP + LEGEND_H - 4,
        plot_bottom=bottom,
    )
