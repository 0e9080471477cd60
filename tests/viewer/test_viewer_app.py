"""The interactive app driven by synthetic events on an off-screen surface."""

from __future__ import annotations

from pathlib import Path

import pytest

from viewer._pg import pygame
from viewer.app import App
from viewer.render import SPEEDS
from viewer.scene import load_scene


@pytest.fixture
def app(scored_run_dir: Path, tmp_path: Path) -> App:
    a = App(load_scene(scored_run_dir), pygame.Surface((1280, 800)), screenshot_dir=tmp_path)
    a.tick(0.0)
    return a


def key(k: int, mod: int = 0) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod)


def test_play_pause_and_speed(app: App) -> None:
    app.handle(key(pygame.K_SPACE))
    assert app.state.playing
    app.tick(2.0)
    assert app.state.t == pytest.approx(2.0)  # 1x
    for _ in range(30):
        app.handle(key(pygame.K_PLUS))
    assert app.state.speed == SPEEDS[-1] == 1000
    for _ in range(30):
        app.handle(key(pygame.K_MINUS))
    assert app.state.speed == SPEEDS[0] == 0.25
    app.handle(key(pygame.K_SPACE))
    app.tick(5.0)
    assert app.state.t == pytest.approx(2.0)  # paused


def test_playing_stops_at_the_end(app: App) -> None:
    app.state.speed = 1000
    app.toggle_play()
    app.tick(10.0)
    assert app.state.t == app.scene.t1 and not app.state.playing
    app.toggle_play()  # play again from the start
    assert app.state.t == app.scene.t0 and app.state.playing


def test_step_by_records(app: App) -> None:
    app.seek(25.0)
    app.handle(key(pygame.K_RIGHT))
    assert app.state.t == 30.0
    app.handle(key(pygame.K_LEFT))
    app.handle(key(pygame.K_LEFT))
    assert app.state.t == 10.0
    app.handle(key(pygame.K_RIGHT, pygame.KMOD_SHIFT))
    assert app.state.t == 70.0
    app.handle(key(pygame.K_END))
    assert app.state.t == app.scene.t1


def test_click_on_mark_jumps_to_event(app: App) -> None:
    tl = app.renderer.timeline
    near_miss = next(m for m in tl.marks if m.event.kind == "near_miss")
    pos = (round(near_miss.x), tl.rect[1] + 30)
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos))
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=pos))
    assert app.state.t == 1450.0
    assert "near miss" in app.state.message


def test_scrub_timeline_by_dragging(app: App) -> None:
    tl = app.renderer.timeline
    y = tl.axis_y
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(round(tl.x_of(300)), y)))
    app.handle(
        pygame.event.Event(
            pygame.MOUSEMOTION, pos=(round(tl.x_of(1200)), y), rel=(0, 0), buttons=(1, 0, 0)
        )
    )
    assert app.state.t == pytest.approx(1200.0, abs=2.0)
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=(round(tl.x_of(1200)), y)))
    app.handle(
        pygame.event.Event(
            pygame.MOUSEMOTION, pos=(round(tl.x_of(100)), y), rel=(0, 0), buttons=(0, 0, 0)
        )
    )
    assert app.state.t == pytest.approx(1200.0, abs=2.0)  # released: no more scrubbing


def test_pan_and_wheel_zoom_about_cursor(app: App) -> None:
    vp = app.state.viewport
    app.handle(
        pygame.event.Event(pygame.MOUSEMOTION, pos=(300, 200), rel=(0, 0), buttons=(0, 0, 0))
    )
    before = vp.to_world(300, 200)
    scale = vp.scale
    app.handle(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=2, flipped=False))
    assert vp.scale == pytest.approx(scale * 1.25**2)
    assert vp.to_world(300, 200) == pytest.approx(before)
    world = vp.to_world(300, 200)
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(300, 200)))
    app.handle(
        pygame.event.Event(pygame.MOUSEMOTION, pos=(350, 260), rel=(50, 60), buttons=(1, 0, 0))
    )
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=(350, 260)))
    assert vp.to_world(350, 260) == pytest.approx(world)


def test_follow_cycle_help_labels_and_screenshot(app: App, tmp_path: Path) -> None:
    app.handle(key(pygame.K_f))
    assert app.state.follow == app.scene.own_index
    app.handle(key(pygame.K_f))
    assert app.state.follow == 1
    app.handle(key(pygame.K_f, pygame.KMOD_SHIFT))
    assert app.state.follow is None
    app.handle(key(pygame.K_h))
    assert app.state.show_help
    app.handle(key(pygame.K_ESCAPE))
    assert not app.state.show_help and app.running
    app.handle(key(pygame.K_l))
    assert not app.state.show_labels
    app.tick(0.0)
    app.handle(key(pygame.K_s))
    shots = list(tmp_path.glob("*.png"))
    assert len(shots) == 1 and pygame.image.load(str(shots[0])).get_size() == (1280, 800)
    app.handle(key(pygame.K_q))
    assert not app.running


def test_resize_keeps_drawing(app: App) -> None:
    app.resize(pygame.Surface((700, 500)))
    app.tick(0.1)
    assert app.state.viewport.rect[2] == 700 - app.renderer.layout(app.surface).panel_w


def test_window_opens_and_replays_under_dummy_driver(scored_run_dir: Path) -> None:
    from viewer.app import open_window

    # The real window loop for a few frames (SDL_VIDEODRIVER=dummy from conftest).
    open_window(scored_run_dir, size=(900, 600), max_frames=5, follow="OS", range_nm=2.0)
    assert not pygame.display.get_init()


def test_hover_shows_ship_and_click_follows(app: App) -> None:
    p = app.scene.poses(app.state.t)
    x, y = app.state.viewport.point(float(p.north[1]), float(p.east[1]))
    pos = (round(x) + 3, round(y) - 2)
    app.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    assert app.state.hover_ship == 1
    app.tick(0.0)  # draws the tooltip
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos))
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=pos))
    assert app.state.follow == 1
    app.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=(5, 5), rel=(0, 0), buttons=(0, 0, 0)))
    assert app.state.hover_ship is None


def test_hover_encounter_bar(app: App) -> None:
    tl = app.renderer.timeline
    (bar,) = tl.bars
    pos = (round((bar.x0 + bar.x1) / 2), tl.lane_y(bar.lane) + 1)
    app.handle(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    assert app.state.hover_bar == 0 and app.state.hover_mark is None
    app.tick(0.0)
