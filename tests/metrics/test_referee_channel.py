"""Rule 9(d) from the chart's sea room and a stopped vessel's "ahead", on hand-built runs.

A channel 400 m wide runs north-south (land east of +200 m and west of -200 m); the own ship
proceeds north along it at 5 kn; a small craft crosses it westward at 3 kn. By rule 15 geometry
the crossing craft, on the own starboard side, is the stand-on vessel; rule 9(d) ("a vessel
shall not cross a narrow channel ... if such crossing impedes the passage of a vessel which can
safely navigate only within such channel") makes it the one that keeps out of the way.
"""

from __future__ import annotations

import numpy as np

from autoship.metrics import score_run
from autoship.metrics.navigation import ChartContext, channel_width

from .runs import ship, track, write_run

T = np.arange(0.0, 601.0, 2.0)


def _bank(e0: float, e1: float) -> dict:
    ring = [[e0, -5000.0], [e1, -5000.0], [e1, 5000.0], [e0, 5000.0], [e0, -5000.0]]
    return {"kind": "land", "drval1": None, "drval2": None, "rings": [ring]}


CHANNEL = {"polygons": [_bank(-3000.0, -200.0), _bank(200.0, 3000.0)]}


def _ships(target_planner: str = "keep-course"):
    return [
        ship("os", "own", "sbmpc", length_m=20.0, beam_m=5.0),
        ship("cr", planner=target_planner, length_m=20.0, beam_m=5.0),
    ]


def _side(r, own, target):
    return next(e for e in r["encounters"] if e["own"] == own and e["target"] == target)


def test_channel_width_from_the_banks():
    ctx = ChartContext(CHANNEL)
    # Along the channel: the beam rays meet the banks 200 m either side (10 m sampling).
    w = channel_width(ctx, -300.0, 0.0, 0.0, 2.0)
    assert w is not None and 400.0 <= w <= 420.0
    # Across it (heading west) the beam rays run along the channel: not in a narrow channel.
    assert channel_width(ctx, 0.0, 150.0, np.radians(270.0), 2.0) is None
    # Heading for the bank at 45 deg: the water ahead closes within the width.
    assert channel_width(ctx, 0.0, 150.0, np.radians(45.0), 2.0) is None
    # No chart, no channel.
    assert channel_width(ChartContext(None), 0.0, 0.0, 0.0, 2.0) is None


def test_vessel_along_the_channel_stands_on_for_one_crossing_it(tmp_path):
    # Own ship reaches the crossing point at 100 s, the crossing craft at 123 s: the own ship
    # holds on and passes about 30 m ahead of it.
    tracks = [track(T, -257.0, 0.0, 0.0, 5.0), track(T, 0.0, 190.0, 270.0, 3.0)]
    r = score_run(write_run(tmp_path / "ch", T, tracks, _ships(), profile="harbour", chart=CHANNEL))
    e = _side(r, "os", "cr")
    assert (e["type"], e["own_role"], e["role_basis"]) == ("crossing", "stand-on", "rule 9(d)")
    assert not e["breaches"] and r["passed"], r["failed_gates"]
    # Open water, same tracks: rule 15 makes the own ship give way, and holding on to cross
    # ahead of the craft fails.
    r2 = score_run(write_run(tmp_path / "open", T, tracks, _ships(), profile="harbour"))
    e2 = _side(r2, "os", "cr")
    assert (e2["own_role"], e2["role_basis"]) == ("give-way", "rule 15")
    assert any(b["rule"] == "15" for b in e2["breaches"])
    assert not r2["passed"]


def test_crossing_vessel_that_holds_on_across_the_bow_fails_rule_9(tmp_path):
    # Both under test; the craft crosses first, close ahead of the own ship, without acting.
    tracks = [track(T, -400.0, 0.0, 0.0, 5.0), track(T, 0.0, 190.0, 270.0, 3.0)]
    ships = _ships("sbmpc")
    r = score_run(write_run(tmp_path / "ch", T, tracks, ships, profile="harbour", chart=CHANNEL))
    e = _side(r, "cr", "os")
    assert (e["own_role"], e["role_basis"]) == ("give-way", "rule 9(d)")
    assert e["rules"]["9"] < 0.5
    assert any(g.startswith("rule 9: cr vs os") for g in r["failed_gates"])
    # The vessel in the channel held on as 9(d) asks: no breach of its own.
    assert not _side(r, "os", "cr")["breaches"]


def test_crossing_ahead_of_a_vessel_that_has_stopped_is_no_rule_15_breach(tmp_path):
    # Open water. The craft from starboard stops at 120 s 65 m east of the own ship's track
    # and lies still from 180 s; the own ship passes ahead of it at about 194 s.
    own = track(T, -500.0, 0.0, 0.0, 5.0)
    stopped = track(T, 0.0, 250.0, 270.0, 3.0, speed_to_kn=0.0, speed_at_s=120.0)
    r = score_run(write_run(tmp_path / "still", T, [own, stopped], _ships(), profile="harbour"))
    e = _side(r, "os", "cr")
    assert (e["own_role"], e["role_basis"]) == ("give-way", "rule 15")
    assert not any("crossed ahead" in b["reason"] for b in e["breaches"])
    # The craft stops only at 150 s, 19 m from the track: still moving (not lying still for
    # a minute) at the CPA, and crossing ahead of it is the rule 15 breach.
    late = track(T, 0.0, 250.0, 270.0, 3.0, speed_to_kn=0.0, speed_at_s=150.0)
    r2 = score_run(write_run(tmp_path / "late", T, [own, late], _ships(), profile="harbour"))
    assert any("crossed ahead" in b["reason"] for b in _side(r2, "os", "cr")["breaches"])
