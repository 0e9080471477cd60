"""Pipeline properties on two-ship straight-line scenes (score_tracks, no files):
rotating and translating the whole scene changes nothing; swapping own and target swaps roles.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autoship.colregs import encounter_angles, load_profile
from autoship.metrics import score_tracks

PROF = load_profile("large-ship")
T = np.arange(0.0, 2401.0, 10.0)
COMPLEMENT = {"give-way": "stand-on", "stand-on": "give-way", "both": "both", "none": "none"}


def scene(n0, e0, c0, u0, n1, e1, c1, u1, rot=0.0, dn=0.0, de=0.0):
    cr, sr = math.cos(rot), math.sin(rot)
    cols = {k: [] for k in ("north", "east", "vn", "ve", "heading")}
    for n, e, c, u in ((n0, e0, c0, u0), (n1, e1, c1, u1)):
        n, e = n * cr - e * sr + dn, n * sr + e * cr + de
        c = (c + rot) % (2 * math.pi)
        vn, ve = u * math.cos(c), u * math.sin(c)
        cols["north"].append(n + vn * T)
        cols["east"].append(e + ve * T)
        cols["vn"].append(np.full(T.shape, vn))
        cols["ve"].append(np.full(T.shape, ve))
        cols["heading"].append(np.full(T.shape, c))
    return {"t": T, **{k: np.stack(v, axis=1) for k, v in cols.items()}}


SHIPS = [
    {"id": "a", "role": "own", "planner": "sbmpc", "length_m": 200.0, "beam_m": 32.0},
    {"id": "b", "role": "target", "planner": "sbmpc", "length_m": 200.0, "beam_m": 32.0},
]
pos = st.floats(-9000, 9000, allow_nan=False)
crs = st.floats(0, 2 * math.pi, exclude_max=True)
spd = st.floats(2.0, 9.0)


@st.composite
def meeting(draw):
    """Two ships that would pass within 1.5 km of each other 10-30 min in: mostly encounters."""
    c0, c1 = draw(crs), draw(crs)
    u0, u1 = draw(spd), draw(spd)
    tm = draw(st.floats(600.0, 1800.0))
    miss_n, miss_e = draw(st.floats(-1500, 1500)), draw(st.floats(-1500, 1500))
    n0, e0 = -u0 * math.cos(c0) * tm, -u0 * math.sin(c0) * tm
    n1, e1 = -u1 * math.cos(c1) * tm + miss_n, -u1 * math.sin(c1) * tm + miss_e
    return n0, e0, c0, u0, n1, e1, c1, u1


def summary(res):
    return [(e["own"], e["target"], e["type"], e["own_role"]) for e in res["encounters"]]


def clear_of_boundaries(arr, k) -> bool:
    """The class is decided at record k: skip scenes within 1e-6 rad of a sector
    boundary there (a rotation may move a bearing across it by one rounding step)."""
    pn = arr["north"][k, 1] - arr["north"][k, 0]
    pe = arr["east"][k, 1] - arr["east"][k, 0]
    b, a = encounter_angles(pn, pe, arr["heading"][k, 0], arr["heading"][k, 1])
    c = PROF.classification
    edges = [math.radians(x) for x in (0, 180, c.head_on_deg, c.overtaking_deg,
                                       c.crossing_deg, c.stern_sector_deg)]  # fmt: skip
    for ang in (float(b), float(a)):
        w = (ang + math.pi) % (2 * math.pi) - math.pi
        if any(min(abs(w - x), abs(abs(w) - abs(x))) < 1e-6 for x in edges):
            return False
    return True


@settings(max_examples=60, deadline=None)
@given(meeting(), crs, pos, pos)
def test_rotation_translation_invariance(sc, rot, dn, de):
    n0, e0, c0, u0, n1, e1, c1, u1 = sc
    base = scene(n0, e0, c0, u0, n1, e1, c1, u1)
    res = score_tracks(base, SHIPS, PROF)
    for e in res["encounters"]:
        if e["type"] != "none":
            # the class is read at t_classified_s (where the duties begin)
            assume(clear_of_boundaries(base, int(round(e["t_classified_s"] / 10.0))))
    moved = score_tracks(scene(n0, e0, c0, u0, n1, e1, c1, u1, rot, dn, de), SHIPS, PROF)
    assert summary(moved) == summary(res)
    a = [e["rules"] for e in res["encounters"]]
    b = [e["rules"] for e in moved["encounters"]]
    assert [sorted(x) for x in a] == [sorted(x) for x in b]
    for x, y in zip(a, b, strict=True):
        assert all(abs(x[k] - y[k]) < 1e-3 for k in x)
    assert abs(res["pair_min_range"][0] - moved["pair_min_range"][0]) < 1e-6


@settings(max_examples=60, deadline=None)
@given(meeting())
def test_swapping_own_swaps_roles(sc):
    n0, e0, c0, u0, n1, e1, c1, u1 = sc
    res = score_tracks(scene(n0, e0, c0, u0, n1, e1, c1, u1), SHIPS, PROF)
    by = {(e["own"], e["target"]): e for e in res["encounters"]}
    ab, ba = by[("a", "b")], by[("b", "a")]
    assert ba["own_role"] == COMPLEMENT[ab["own_role"]]
    mirror = {"overtaking": "overtaken", "overtaken": "overtaking"}
    assert ba["type"] == mirror.get(ab["type"], ab["type"])
    assert ab["min_range_m"] == ba["min_range_m"]
