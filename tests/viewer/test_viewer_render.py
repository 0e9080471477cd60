"""Off-screen rendering of a known run: things appear where and in the colour they should."""

from __future__ import annotations

from pathlib import Path

import pytest

from viewer._pg import pygame
from viewer.render import (
    EVENT_COLOUR,
    KIND_COLOUR,
    LAND,
    ROLE_COLOUR,
    WATER,
    Renderer,
    ViewState,
    render_frame,
)
from viewer.scene import OWN, REPLAYED, TRAFFIC, load_scene
from viewer.view import Viewport

SIZE = (1280, 800)  # map 980 x 736, centre pixel (490, 368)


def _known_view(renderer: Renderer) -> ViewState:
    # 0.03 px/m about (north -2000, east 3000): worked by hand below.
    return ViewState(t=0.0, viewport=Viewport((0, 0, 980, 736), -2000.0, 3000.0, 0.03))


def _colours_near(
    surf: pygame.Surface, x: float, y: float, r: int = 2
) -> set[tuple[int, int, int]]:
    return {
        tuple(surf.get_at((round(x) + dx, round(y) + dy)))[:3]
        for dx in range(-r, r + 1)
        for dy in range(-r, r + 1)
    }


@pytest.fixture
def frame0(run_dir: Path) -> pygame.Surface:
    scene = load_scene(run_dir)
    r = Renderer(scene)
    surf = pygame.Surface(SIZE)
    r.draw(surf, _known_view(r))
    return surf


def test_ships_at_expected_pixels(frame0: pygame.Surface) -> None:
    # t = 0: OS at (-11112, 0) -> x = 490 + (0 - 3000) 0.03 = 400, y = 368 + 9112 * 0.03 = 641.4
    assert KIND_COLOUR[OWN] in _colours_near(frame0, 400, 641.4)
    # T1 (keep-course traffic) at (0, 11112) -> (733.4, 308)
    assert KIND_COLOUR[TRAFFIC] in _colours_near(frame0, 733.4, 308)
    # A1 (replayed) at (7408, 5556) -> (566.7, 85.8)
    assert KIND_COLOUR[REPLAYED] in _colours_near(frame0, 566.7, 85.8)
    # No ship colour far from the ships.
    assert KIND_COLOUR[OWN] not in _colours_near(frame0, 200, 200, r=10)


def test_chart_at_expected_pixels(frame0: pygame.Surface) -> None:
    # Island centre (north -8000, east 8000) -> (640, 548); shoal centre (-8000, 3000) -> (490, 548)
    assert tuple(frame0.get_at((640, 548)))[:3] == LAND
    assert tuple(frame0.get_at((490, 548)))[:3] == WATER[1]  # 2 m < 8 m draught + 1 m UKC
    assert tuple(frame0.get_at((150, 300)))[:3] == WATER[3]


def test_hull_outline_when_zoomed_in(run_dir: Path) -> None:
    scene = load_scene(run_dir)
    r = Renderer(scene)
    surf = pygame.Surface(SIZE)
    # 1 px/m centred on OS at t = 0: a 150 m hull, bow 75 px up, stern 75 px down.
    st = ViewState(t=0.0, viewport=Viewport((0, 0, 980, 736), -11112.0, 0.0, 1.0))
    r.draw(surf, st)
    assert tuple(surf.get_at((490, 368 - 60)))[:3] == KIND_COLOUR[OWN]  # inside the bow
    assert tuple(surf.get_at((490, 368 + 70)))[:3] == KIND_COLOUR[OWN]  # near the stern
    assert tuple(surf.get_at((490 + 20, 368)))[:3] != KIND_COLOUR[OWN]  # beam is 24 m


def test_one_timeline_mark_per_event(scored_run_dir: Path) -> None:
    scene = load_scene(scored_run_dir)
    r = Renderer(scene)
    surf = render_frame(scene, 0.0, SIZE, renderer=r)
    tl = r.timeline
    assert tl is not None and len(tl.marks) == len(scene.events) == 5
    top = tl.rect[1] + tl.MARK_TOP + 2
    for m in tl.marks:
        assert tuple(surf.get_at((round(m.x), top)))[:3] == EVENT_COLOUR[m.event.kind]
    # One encounter window (OS give-way to T1, 300-1600 s in score.json) as a bar.
    (bar,) = tl.bars
    assert bar.x0 == pytest.approx(tl.x_of(300.0)) and bar.x1 == pytest.approx(tl.x_of(1600.0))
    y = tl.lane_y(bar.lane) + 1
    assert tuple(surf.get_at((round((bar.x0 + bar.x1) / 2), y)))[:3] == ROLE_COLOUR["give-way"]


def test_follow_centres_the_ship(run_dir: Path) -> None:
    scene = load_scene(run_dir)
    r = Renderer(scene)
    surf = pygame.Surface(SIZE)
    st = ViewState(t=700.0, viewport=r.default_viewport(SIZE), follow=1)
    r.draw(surf, st)
    p = scene.poses(700.0)
    assert st.viewport.point(float(p.north[1]), float(p.east[1])) == pytest.approx((490, 368))


def test_chart_cache_redraws_only_when_needed(run_dir: Path) -> None:
    scene = load_scene(run_dir)
    r = Renderer(scene)
    surf = pygame.Surface(SIZE)
    st = ViewState(t=0.0, viewport=r.default_viewport(SIZE))
    r.draw(surf, st)
    st.viewport.pan(40, 25)
    r.draw(surf, st)
    assert r.chart.renders == 1
    st.viewport.pan(2000, 0)  # beyond the cached margin
    r.draw(surf, st)
    assert r.chart.renders == 2
    st.viewport.zoom_at(100, 100, 1.25)
    r.draw(surf, st)
    assert r.chart.renders == 3


def test_panned_chart_matches_fresh_render(run_dir: Path) -> None:
    scene = load_scene(run_dir)
    cached = Renderer(scene)
    surf = pygame.Surface(SIZE)
    st = _known_view(cached)
    cached.draw(surf, st)
    st.viewport.pan(37, -21)
    cached.draw(surf, st)
    fresh = pygame.Surface(SIZE)
    Renderer(scene).draw(fresh, ViewState(t=0.0, viewport=st.viewport))
    for x, y in ((677, 527), (527, 527), (150, 300)):
        assert fresh.get_at((x, y)) == surf.get_at((x, y))


def test_help_overlay_and_resize(run_dir: Path) -> None:
    scene = load_scene(run_dir)
    r = Renderer(scene)
    st = ViewState(t=100.0, viewport=r.default_viewport((800, 600)), show_help=True)
    small = pygame.Surface((800, 600))
    r.draw(small, st)
    big = pygame.Surface((1600, 1000))
    r.draw(big, st)  # same state, bigger window: the map takes the new size
    assert st.viewport.rect == (0, 0, 1300, 936)


def test_runs_without_chart_or_own_ship(tmp_path: Path) -> None:
    from viewer_synth import make_run

    scene = load_scene(make_run(tmp_path / "bare", chart=False, events=[]))
    scene.own_index = None
    surf = render_frame(scene, 500.0, (640, 480))
    assert surf.get_size() == (640, 480)


def test_ship_absent_before_its_first_report(tmp_path: Path) -> None:
    # A replayed AIS ship is NaN until it is first heard: not drawn, no CPA, no crash.
    import numpy as np
    from viewer_synth import CHART, meta, tracks

    from autoship.record import RunWriter

    arrays = tracks()
    for k in ("north", "east", "vn", "ve", "heading"):
        arrays[k][:90, 2] = np.nan
    RunWriter(tmp_path / "gap").write(meta([]), arrays, CHART)
    scene = load_scene(tmp_path / "gap")
    p = scene.poses(500.0)
    assert not p.present[2] and p.present[0]
    assert scene.cpa(500.0) is None or scene.cpa(500.0).target != 2
    r = Renderer(scene)
    surf = pygame.Surface(SIZE)
    st = _known_view(r)
    st.t = 500.0
    r.draw(surf, st)
    # A1 would be at (north 7408 - 4.115 * 500, east 5556) -> (566.7, 147.5): nothing there.
    assert KIND_COLOUR[REPLAYED] not in _colours_near(surf, 566.7, 147.5, r=6)
    st.t = 1000.0  # heard since 900 s: drawn, with a trail starting at its first report
    r.draw(surf, st)
    assert KIND_COLOUR[REPLAYED] in _colours_near(surf, 566.7, 85.8 + 4.115 * 1000 * 0.03, r=3)


def test_single_record_run(tmp_path: Path) -> None:
    from viewer_synth import meta, tracks

    from autoship.record import RunWriter
    from viewer.export import write_video

    arrays = {k: v[:1] for k, v in tracks().items()}
    RunWriter(tmp_path / "one").write(meta([]), arrays)
    scene = load_scene(tmp_path / "one")
    assert scene.duration_s == 0.0
    surf = render_frame(scene, 0.0, (640, 480))
    assert surf.get_size() == (640, 480)
    assert write_video(scene, tmp_path / "one.gif", size=(320, 240)) == 1


def test_trail_with_a_gap_is_drawn_in_pieces(tmp_path: Path) -> None:
    import numpy as np
    from viewer_synth import CHART, meta, tracks

    from autoship.record import RunWriter
    from viewer.render import TRAIL_CHUNKS, blend

    arrays = tracks()
    for k in ("north", "east", "vn", "ve", "heading"):
        arrays[k][94:101, 2] = np.nan  # A1 not heard from 940 s to 1000 s
    RunWriter(tmp_path / "gap2").write(meta([]), arrays, CHART)
    scene = load_scene(tmp_path / "gap2")
    r = Renderer(scene)
    surf = pygame.Surface(SIZE)
    st = _known_view(r)
    st.t = 1200.0
    r.draw(surf, st)
    shades = {
        blend(KIND_COLOUR[REPLAYED], WATER[3], 0.2 + 0.6 * (c + 1) / TRAIL_CHUNKS)
        for c in range(TRAIL_CHUNKS)
    }
    y_of = lambda t: 368 - (7408 - 4.115 * t + 2000) * 0.03  # noqa: E731
    assert shades & _colours_near(surf, 566.7, y_of(700.0), r=2)  # before the gap
    assert shades & _colours_near(surf, 566.7, y_of(1100.0), r=2)  # after it
    assert not shades & _colours_near(surf, 566.7, y_of(970.0), r=2)  # in it
