"""Charts drawn on the server: real Altair specifications rendered by vl-convert, kept once drawn."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from clearsight import charts

POINTS = ((dt.date(2024, 3, 31), 61.5), (dt.date(2024, 9, 30), 70.0), (dt.date(2025, 3, 31), 82.25))


def test_a_trend_is_an_svg_image_named_for_screen_readers_without_script() -> None:
    svg = charts.draw(charts.trend, POINTS, unit="percent", target=80.0, title="CP visits: trend")
    assert svg.startswith('<svg role="img" aria-label="CP visits: trend"')
    assert "<script" not in svg and "style=" not in svg  # nothing the page's CSP would refuse
    assert "Per cent" in svg  # the axis says what the unit is
    assert "stroke-dasharray" in svg  # the target's dashed rule


def test_a_breakdown_draws_a_bar_per_cell_and_leaves_out_cells_without_a_value() -> None:
    svg = charts.draw(
        charts.breakdown, (("Team A", 50.0), ("Team B", None), ("Team C", 75.0)), unit="percent", title="x"
    )
    assert "Team A" in svg and "Team C" in svg and "Team B" not in svg


def test_a_drawn_chart_is_kept_and_read_back_from_the_cache_folder(tmp_path: Path, monkeypatch) -> None:
    first = charts.draw(charts.sparkline, POINTS, title="kept", cache_dir=tmp_path)
    stored = list(tmp_path.glob("*.svg"))
    assert len(stored) == 1 and stored[0].read_text(encoding="utf-8") == first
    charts.draw.cache_clear()  # a new process: only the folder remembers
    monkeypatch.setattr(
        charts.vl_convert, "vegalite_to_svg", lambda spec: (_ for _ in ()).throw(AssertionError)
    )
    assert charts.draw(charts.sparkline, POINTS, title="kept", cache_dir=tmp_path) == first


def test_the_label_is_escaped() -> None:
    svg = charts.draw(charts.sparkline, POINTS, title='Care leavers "in touch" & <safe>')
    assert 'aria-label="Care leavers &quot;in touch&quot; &amp; &lt;safe>"' in svg
