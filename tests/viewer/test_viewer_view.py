"""World <-> screen transform, zoom about the cursor, scale bar, layout and timeline."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from viewer.scene import Event
from viewer.view import Layout, Timeline, Viewport, format_clock, scale_bar


def test_transform_hand_worked() -> None:
    vp = Viewport((0, 0, 1000, 800), center_n=100.0, center_e=-50.0, scale=0.5)
    assert vp.point(100.0, -50.0) == (500.0, 400.0)
    # 200 m east of centre -> 100 px right; 200 m north -> 100 px up.
    assert vp.point(300.0, 150.0) == (600.0, 300.0)
    assert vp.to_world(600.0, 300.0) == (300.0, 150.0)


finite = st.floats(-1e6, 1e6, allow_nan=False)


@given(n=finite, e=finite, scale=st.floats(1e-3, 10.0))
def test_round_trip(n: float, e: float, scale: float) -> None:
    vp = Viewport((10, 20, 900, 700), center_n=1234.0, center_e=-567.0, scale=scale)
    x, y = vp.point(n, e)
    n2, e2 = vp.to_world(x, y)
    assert n2 == pytest.approx(n, abs=1e-6 * (1 + abs(n))) and e2 == pytest.approx(
        e, abs=1e-6 * (1 + abs(e))
    )


@given(x=st.floats(0, 900), y=st.floats(0, 700), factor=st.floats(0.2, 5.0))
def test_zoom_keeps_point_under_cursor(x: float, y: float, factor: float) -> None:
    vp = Viewport((0, 0, 900, 700), center_n=10.0, center_e=20.0, scale=0.1)
    before = vp.to_world(x, y)
    vp.zoom_at(x, y, factor)
    assert vp.scale == pytest.approx(0.1 * factor)
    after = vp.to_world(x, y)
    assert after == pytest.approx(before, abs=1e-6)


def test_pan_moves_picture_with_drag() -> None:
    vp = Viewport((0, 0, 800, 600), scale=2.0)
    x, y = vp.point(0.0, 0.0)
    vp.pan(30, -10)
    assert vp.point(0.0, 0.0) == pytest.approx((x + 30, y - 10))


def test_fit_shows_bounds_with_margin() -> None:
    vp = Viewport((0, 0, 1000, 500))
    vp.fit((-1000.0, 1000.0, 0.0, 10000.0), margin=0.1)
    # East span 10 km in 800 usable px, north span 2 km in 400 px: the east span decides.
    assert vp.scale == pytest.approx(0.08)
    x0, _ = vp.point(0.0, 0.0)
    x1, _ = vp.point(0.0, 10000.0)
    assert (x0, x1) == pytest.approx((100.0, 900.0))


def test_scale_bar_picks_nice_length() -> None:
    nm, px = scale_bar(0.05, max_px=160)  # 92.6 px per NM
    assert nm == 1 and px == pytest.approx(92.6)
    nm, _ = scale_bar(5.0, max_px=160)  # 9260 px per NM
    assert nm == 0.01


def test_layout_regions_tile_the_window() -> None:
    lay = Layout(1280, 800)
    mx, my, mw, mh = lay.map
    px, py, pw, ph = lay.panel
    tx, ty, tw, th = lay.timeline
    assert (mx, my, mw + pw, mh + th) == (0, 0, 1280, 800)
    assert px == mw and ty == mh and tw == 1280


def test_timeline_marks_and_hits() -> None:
    events = [Event(100.0, "collision", ("OS",), ""), Event(900.0, "grounding", ("OS",), "")]
    tl = Timeline((0, 736, 1000, 64), 0.0, 1000.0, events)
    assert len(tl.marks) == 2
    assert tl.x_of(0.0) == 16 and tl.x_of(1000.0) == 984
    assert tl.marks[0].x == pytest.approx(16 + 0.1 * 968)
    assert tl.t_of(tl.marks[1].x) == pytest.approx(900.0)
    assert tl.mark_at(tl.marks[1].x + 3, 760).event.kind == "grounding"
    assert tl.mark_at(tl.marks[1].x + 30, 760) is None
    assert tl.mark_at(tl.marks[1].x, 100) is None  # not on the timeline strip


def test_timeline_ticks_are_spaced() -> None:
    tl = Timeline((0, 0, 1280, 64), 0.0, 3600.0, [])
    ticks = tl.ticks(min_px=70)
    xs = [x for x, _ in ticks]
    assert all(b - a >= 70 for a, b in zip(xs, xs[1:], strict=False))
    assert ticks[0][1] == "0:00" and ticks[1][1] == "5:00"


@pytest.mark.parametrize(("t", "text"), [(0, "0:00"), (75.4, "1:15"), (3725, "1:02:05")])
def test_format_clock(t: float, text: str) -> None:
    assert format_clock(t) == text


def _area(P) -> float:
    import numpy as np

    P = np.asarray(P, dtype=float)
    if len(P) < 3:
        return 0.0
    x, y = P[:, 0], P[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


@given(
    radii=st.lists(st.floats(5.0, 3000.0), min_size=3, max_size=24),
    cx=st.floats(-2000, 3000),
    cy=st.floats(-2000, 3000),
)
def test_clip_polygon_matches_shapely(radii: list[float], cx: float, cy: float) -> None:
    # Star-shaped (simple, often concave) polygons against a 1000 x 700 surface.
    import numpy as np
    import shapely

    from viewer.render import clip_polygon

    th = np.linspace(0, 2 * np.pi, len(radii), endpoint=False)
    P = np.column_stack([cx + np.cos(th) * radii, cy + np.sin(th) * radii])
    want = shapely.Polygon(P).intersection(shapely.box(0, 0, 1000, 700)).area
    got = _area(clip_polygon(P, 0, 0, 1000, 700))
    assert got == pytest.approx(want, rel=1e-6, abs=1e-6)


def test_clip_polygon_hand_worked() -> None:
    from viewer.render import clip_polygon

    # A 20 x 20 square centred on the corner (0, 0): a 10 x 10 quarter stays.
    sq = [(-10, -10), (10, -10), (10, 10), (-10, 10)]
    out = clip_polygon(sq, 0, 0, 100, 100)
    assert _area(out) == pytest.approx(100.0)
    assert out.min() == 0 and out.max() == 10
    assert len(clip_polygon([(200, 200), (300, 200), (300, 300)], 0, 0, 100, 100)) == 0


def test_timeline_lanes_for_overlapping_windows() -> None:
    from viewer.scene import EncounterLabel, EncounterWindow

    lab = EncounterLabel("OS", "T", 1, "crossing", "give-way", False)
    wins = [
        EncounterWindow(0.0, 500.0, lab),
        EncounterWindow(100.0, 300.0, lab),  # overlaps the first: second lane
        EncounterWindow(600.0, 900.0, lab),  # after the first: back to lane 0
        EncounterWindow(150.0, 200.0, lab),  # both lanes busy: shares the last
    ]
    tl = Timeline((0, 736, 1000, 64), 0.0, 1000.0, [], sorted(wins, key=lambda w: w.t0))
    assert [(b.window.t0, b.lane) for b in tl.bars] == [
        (0.0, 0),
        (100.0, 1),
        (150.0, 1),
        (600.0, 0),
    ]
    b = tl.bars[3]
    assert tl.bar_at((b.x0 + b.x1) / 2, tl.lane_y(0) + 1) is b
    assert tl.bar_at((b.x0 + b.x1) / 2, tl.lane_y(0) + 20) is None
