"""The viewer agrees with the verdict: traffic is labelled as traffic and its events muted, the
legend names only the kinds present, a negative test's expected failure shows as expected,
event labels appear only once the event has happened, failed gates are shown in full."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from viewer_synth import SCORE, make_run

from viewer._pg import pygame
from viewer.render import (
    EVENT_COLOUR,
    EXPECTED,
    FAIL,
    KIND_COLOUR,
    TRAFFIC_EVENT,
    Renderer,
    ViewState,
)
from viewer.scene import AUTONOMOUS, TRAFFIC, load_scene
from viewer.view import Viewport

SIZE = (1280, 800)
TRAFFIC_COLLISION = {"t_s": 1000.0, "kind": "collision", "ships": ["T1", "A1"], "detail": ""}
OWN_COLLISION = {"t_s": 1000.0, "kind": "collision", "ships": ["OS", "T1"], "detail": ""}


def _draw(run: Path, t: float, view: Viewport | None = None) -> tuple[pygame.Surface, list[str]]:
    """One frame, and every string drawn on it (what a reader sees, in drawing order)."""
    scene = load_scene(run)
    r = Renderer(scene)
    drawn: list[str] = []
    get = r.text.get

    def spy(text: str, *a, **k):
        drawn.append(text)
        return get(text, *a, **k)

    r.text.get = spy  # type: ignore[method-assign]
    surf = pygame.Surface(SIZE)
    r.draw(surf, ViewState(t=t, viewport=view or r.default_viewport(SIZE)))
    return surf, drawn


def _colours(surf: pygame.Surface, rect: tuple[int, int, int, int]) -> set[tuple[int, int, int]]:
    x0, y0, w, h = rect
    return {tuple(surf.get_at((x, y)))[:3] for x in range(x0, x0 + w) for y in range(y0, y0 + h)}


def _around(scene_run: Path, t: float, ship: int) -> tuple[int, int, int, int]:
    scene = load_scene(scene_run)
    vp = Renderer(scene).default_viewport(SIZE)
    p = scene.poses(t)
    x, y = vp.point(float(p.north[ship]), float(p.east[ship]))
    return (round(x) - 30, round(y) - 30, 60, 60)


def _score(run: Path, **extra) -> None:
    (run / "score.json").write_text(json.dumps({**SCORE, **extra}))


def test_traffic_collision_is_muted_and_named_traffic(tmp_path: Path) -> None:
    run = make_run(tmp_path / "r", events=[TRAFFIC_COLLISION])
    _score(run, passed=True, failed_gates=[], autonomous_ships=["OS"])
    scene = load_scene(run)
    (ev,) = [e for e in scene.events if e.kind == "collision"]
    assert ev.traffic and ev.name == "traffic collision"
    assert [s.kind for s in scene.ships][1] == TRAFFIC
    surf, drawn = _draw(run, 1010.0)
    # Muted ring around the traffic ship, no collision red anywhere on the chart.
    assert TRAFFIC_EVENT in _colours(surf, _around(run, 1010.0, 1))
    lay = Renderer(scene).layout(surf)
    assert EVENT_COLOUR["collision"] not in _colours(surf, lay.map)
    assert any(s.startswith("traffic collision at 16:40 (not judged)") for s in drawn)
    assert not any("COLLISION" in s for s in drawn)
    # The panel says the same as score.json, and names what is under test.
    assert "PASSED   score 0.62" in drawn and "collision no   grounding no" in drawn
    assert "under test: OS" in drawn
    assert "traffic, not judged: 1 collision" in drawn
    # Timeline: a muted mark, and the summary calls it a traffic collision.
    r = Renderer(scene)
    tl = r.timeline_for(lay.timeline)
    (mark,) = [m for m in tl.marks if m.event.kind == "collision"]
    tl_cols = _colours(surf, (round(mark.x) - 4, tl.rect[1] + tl.MARK_TOP, 9, 12))
    assert TRAFFIC_EVENT in tl_cols and EVENT_COLOUR["collision"] not in tl_cols
    assert any("events:" in s and "traffic collision" in s for s in drawn)


def test_legend_never_calls_scripted_or_replayed_targets_autonomous(tmp_path: Path) -> None:
    run = make_run(tmp_path / "r", score=True)
    surf, drawn = _draw(run, 100.0)
    assert not any("autonomous" in s for s in drawn)
    assert "traffic (not under test)" in drawn and "replayed AIS traffic" in drawn
    assert KIND_COLOUR[AUTONOMOUS] not in _colours(surf, (0, 0, *SIZE))
    # With the target under test (score.json says so) it is autonomous, and so labelled.
    _score(run, autonomous_ships=["OS", "T1"])
    surf, drawn = _draw(run, 100.0)
    assert "autonomous ship (under test)" in drawn
    assert KIND_COLOUR[AUTONOMOUS] in _colours(surf, _around(run, 100.0, 1))


def test_event_label_appears_only_once_the_event_has_happened(tmp_path: Path) -> None:
    run = make_run(tmp_path / "r", events=[OWN_COLLISION])
    _score(run, passed=False, collision=True, failed_gates=["collision: OS and T1 at t=1000 s"])
    before, drawn_before = _draw(run, 990.0)
    after, drawn_after = _draw(run, 1005.0)
    assert not any("COLLISION at" in s for s in drawn_before)
    assert "COLLISION at 16:40" in drawn_after
    box = _around(run, 1005.0, 0)
    assert EVENT_COLOUR["collision"] not in _colours(before, _around(run, 990.0, 0))
    assert EVENT_COLOUR["collision"] in _colours(after, box)


def test_negative_test_shows_expected_not_a_red_failure(tmp_path: Path) -> None:
    run = make_run(tmp_path / "r", events=[{**OWN_COLLISION, "kind": "grounding", "ships": ["OS"]}])
    neg = {"expect": ["grounding"], "occurred": ["grounding"], "gates": ["grounding: OS"]}
    _score(
        run, passed=True, grounding=True, score=0.0, failed_gates=[], negative_test=neg, gates=None
    )
    surf, drawn = _draw(run, 1005.0)
    assert "PASSED   score 0.00" in drawn
    assert "negative test: grounding expected" in drawn
    assert "collision no   grounding YES (expected)" in drawn
    assert "GROUNDING (EXPECTED) at 16:40" in drawn
    scene = load_scene(run)
    lay = Renderer(scene).layout(surf)
    assert FAIL not in _colours(surf, lay.panel)
    assert EXPECTED in _colours(surf, lay.panel)
    assert EVENT_COLOUR["grounding"] not in _colours(surf, lay.map)


def test_failed_gates_are_shown_in_full(tmp_path: Path) -> None:
    gates = [
        f"rule {r}: OS vs T{k} (crossing, give-way) scored 0.{k}0 < 0.50: the alteration of "
        f"course was not large enough to be readily apparent (gate {k})"
        for k, r in enumerate(("8", "16", "17"), start=1)
    ] + ["collision: OS and T1 at t=1000 s"] * 2
    run = make_run(tmp_path / "r")
    _score(run, passed=False, failed_gates=gates)
    _, drawn = _draw(run, 0.0)
    text = " ".join(drawn)
    for g in gates:
        assert " ".join(g.split()) in text
    assert not any("more failed gates" in s for s in drawn)


@pytest.mark.parametrize("t", [0.0, 1800.0])
def test_panel_verdict_matches_score_json_at_any_time(tmp_path: Path, t: float) -> None:
    run = make_run(tmp_path / "r", score=True)
    _, drawn = _draw(run, t)
    assert "FAILED   score 0.62" in drawn  # SCORE: passed false


def test_default_picture_frames_the_key_moment_with_hulls_to_scale(tmp_path: Path) -> None:
    from viewer.export import closeup_state, write_png
    from viewer.render import HULL_MIN_PX
    from viewer.scene import OWN

    # Without the turn both ships meet at the origin at 1800 s (Imazu case 2 geometry).
    run = make_run(tmp_path / "r", events=[{**OWN_COLLISION, "t_s": 1790.0}], turn=False)
    scene = load_scene(run)
    r = Renderer(scene)
    st = closeup_state(scene, r, SIZE, scene.key_time())
    assert st.t == 1790.0  # the own ship's collision
    p = scene.poses(st.t)
    x0, y0, w, h = r.layout(pygame.Surface(SIZE)).map
    for i in (0, 1):  # both ships of the collision on screen, hulls drawn to scale
        x, y = st.viewport.point(float(p.north[i]), float(p.east[i]))
        assert x0 < x < x0 + w and y0 < y < y0 + h
        assert scene.ships[i].length_m * st.viewport.scale >= HULL_MIN_PX
    img = pygame.image.load(str(write_png(run, tmp_path / "k.png")))
    own_px = sum(
        tuple(img.get_at((x, y)))[:3] == KIND_COLOUR[OWN]
        for x in range(x0, x0 + w, 2)
        for y in range(y0, y0 + h, 2)
    )
    assert own_px > 150  # a filled hull, not a 7 px symbol


def test_busy_scene_forces_only_the_nearest_encounter_labels(tmp_path: Path) -> None:
    import numpy as np
    from viewer_synth import CHART, meta, tracks

    from autoship.record import RunWriter
    from viewer.render import MAX_FORCED_LABELS

    # The own ship and 19 keep-course targets in a ring around it, every one an encounter.
    base = tracks(turn=False)
    n_tg = 19
    arrays = {k: np.repeat(v[:, :1], n_tg + 1, axis=1) if v.ndim == 2 else v
              for k, v in base.items()}  # fmt: skip
    ang = np.linspace(0.0, 2 * np.pi, n_tg, endpoint=False)
    dist = 800.0 + 150.0 * np.arange(n_tg)
    arrays["north"][:, 1:] += dist * np.cos(ang)
    arrays["east"][:, 1:] += dist * np.sin(ang)
    m = meta(events=[])
    tgt = {**m["ships"][1]}
    m["ships"] = [m["ships"][0]] + [{**tgt, "id": f"T{k}", "index": k} for k in range(1, n_tg + 1)]
    run = tmp_path / "busy"
    RunWriter(run).write(m, arrays, CHART)
    encs = [{"own": "OS", "target": f"T{k}", "type": "crossing", "own_role": "give-way",
             "t_start_s": 0.0, "t_end_s": 1800.0}
            for k in range(1, n_tg + 1)]  # fmt: skip
    _score(run, encounters=encs, events=[])
    scene = load_scene(run)
    r = Renderer(scene)
    calls: list[tuple[str, bool, bool]] = []
    real = r._box_label

    def spy(surf, placer, lines, x, y, force=False, anchor=None):
        ok = real(surf, placer, lines, x, y, force=force, anchor=anchor)
        calls.append((lines[0][0], force, ok))
        return ok

    r._box_label = spy  # type: ignore[method-assign]
    surf = pygame.Surface(SIZE)
    vp = Viewport((0, 0, 980, 736), float(arrays["north"][0, 0]), 0.0, 0.05)
    r.draw(surf, ViewState(t=0.0, viewport=vp))
    forced = [name for name, force, _ in calls if force and name.startswith("T")]
    assert forced == [f"T{k}" for k in range(1, MAX_FORCED_LABELS + 1)]  # the nearest
    shown = [name for name, _, ok in calls if ok and name.startswith("T")]
    assert len(shown) < n_tg  # the rest only where there is room: no pile of labels
    assert len(shown) >= MAX_FORCED_LABELS
