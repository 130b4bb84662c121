"""Charts drawn on the server as SVG: Altair describes each chart, vl-convert renders it, so pages and
PDFs show the same picture and no browser script is needed. Every chart is shown beside a table of the
same figures (the accessible form); the SVG is a picture of that table, its root labelled with the
chart's description.

Drawing costs a tenth of a second or so, and the same figures always give the same SVG, so `draw` keeps
each SVG by the chart's arguments: in memory, and in `cache_dir` when one is given.
Must not import Django.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert

FONT = "arial, sans-serif"
INK = "#0b0c0c"  # GOV.UK text colour
LINE = "#1d70b8"  # GOV.UK blue
TARGET = "#505a5f"  # GOV.UK secondary text
UNIT_TITLES = {
    "percent": "Per cent",
    "count": "Count",
    "rate_10k": "Rate per 10,000 children",
    "average_days": "Average days",
    "average": "Average",
}
KEPT = 512  # SVGs kept in memory per process


def trend(points: Sequence[tuple[dt.date, float | None]], *, unit: str, target: float | None, title: str):
    """A line of an indicator's values at each snapshot's as-at date, with its target as a dashed rule."""
    values = [{"as_at": day.isoformat(), "value": value} for day, value in points if value is not None]
    base = alt.Chart(alt.Data(values=values))
    line = base.mark_line(point=True, color=LINE).encode(
        x=alt.X("as_at:T", title="As at", axis=alt.Axis(format="%b %Y", tickCount=min(len(values), 6) or 1)),
        y=alt.Y("value:Q", title=UNIT_TITLES.get(unit, unit), scale=alt.Scale(zero=True)),
    )
    layers = [line]
    if target is not None:
        rule = alt.Chart(alt.Data(values=[{"target": target}])).mark_rule(color=TARGET, strokeDash=[6, 4])
        layers.append(rule.encode(y="target:Q"))
    return _styled(alt.layer(*layers), title, width=480, height=220)


def breakdown(cells: Sequence[tuple[str, float | None]], *, unit: str, title: str):
    """Horizontal bars, one per cell of a breakdown, in the order given."""
    values = [{"cell": cell, "value": value} for cell, value in cells if value is not None]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(color=LINE)
        .encode(
            y=alt.Y("cell:N", title=None, sort=None, axis=alt.Axis(labelLimit=220)),
            x=alt.X("value:Q", title=UNIT_TITLES.get(unit, unit), scale=alt.Scale(zero=True)),
        )
    )
    return _styled(chart, title, width=420, height=max(60, 18 * len(values)))


def sparkline(points: Sequence[tuple[dt.date, float | None]], *, title: str):
    """A small line of the values over time, without axes, for a row of a table."""
    values = [{"as_at": day.isoformat(), "value": value} for day, value in points if value is not None]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=alt.OverlayMarkDef(size=12), color=LINE)
        .encode(x=alt.X("as_at:T", axis=None), y=alt.Y("value:Q", axis=None, scale=alt.Scale(zero=False)))
    )
    return _styled(chart, title, width=96, height=24, padding=2)


def _styled(chart, description: str, *, width: int, height: int, padding: int = 5):
    return (
        chart.properties(width=width, height=height, description=description, padding=padding)
        .configure(font=FONT, background="white")
        .configure_axis(labelColor=INK, titleColor=INK, labelFontSize=12, titleFontSize=12)
        .configure_view(stroke=None)
    )


# What a stored SVG depends on besides the chart's arguments: this module's code and the libraries'.
_CODE = hashlib.sha256(
    Path(__file__).read_bytes() + f"{alt.__version__} {vl_convert.__version__}".encode()
).hexdigest()


@functools.lru_cache(maxsize=KEPT)
def draw(kind: Callable[..., Any], *args: Any, cache_dir: Path | None = None, **kwargs: Any) -> str:
    """The chart `kind(*args, **kwargs)` as an SVG document, drawn once per arguments (which must be
    hashable, e.g. tuples) and kept in memory, and in `cache_dir` (shared by processes) when given."""
    key = (kind.__name__, args, tuple(sorted(kwargs.items())))
    name = hashlib.sha256(f"{_CODE} {key!r}".encode()).hexdigest()
    stored = cache_dir / f"{name}.svg" if cache_dir is not None else None
    if stored is not None and stored.is_file():
        return stored.read_text(encoding="utf-8")
    spec = kind(*args, **kwargs).to_dict()
    svg = _labelled(vl_convert.vegalite_to_svg(spec), spec.get("description", ""))
    if stored is not None:
        stored.parent.mkdir(parents=True, exist_ok=True)
        partial = stored.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
        partial.write_text(svg, encoding="utf-8")
        partial.replace(stored)  # whole or not at all, whichever process wrote it
    return svg


def _labelled(svg: str, description: str) -> str:
    """The SVG's root as an image with an accessible name (the figures are in the table beside it)."""
    label = description.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1)
