"""Classification: hand-worked boundaries (both sides of each), Imazu geometry, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autoship.colregs import (
    CROSSING_GIVE_WAY,
    CROSSING_STAND_ON,
    HEAD_ON,
    MIRROR,
    NONE,
    OVERTAKEN,
    OVERTAKING,
    classification_params,
    classify,
    classify_kernel,
    encounter_angles,
    load_profile,
    stage_of,
)

from .colregs_oracle import classify_np

LARGE = load_profile("large-ship")
DNV = load_profile("dnv2023")
NTNU = load_profile("ntnu-small-asv")
EPS = 0.01  # deg either side of a boundary
NM = 1852.0


def cls(beta_deg, alpha_deg, u_own=6.0, u_tgt=6.0, profile=LARGE) -> int:
    p = classification_params(profile)
    return classify_kernel(
        math.radians(beta_deg),
        math.radians(alpha_deg),
        u_own,
        u_tgt,
        p[0],
        p[1],
        p[2],
        p[3],
        bool(p[4]),
        p[5],
    )


# --- stern sector 112.5 deg (rule 13(b)) -------------------------------------------------------


def test_stern_sector_boundary_own_overtaken():
    # Target coming up from astern, own ship seen dead ahead by the target (alpha 0), faster.
    assert cls(112.5 + EPS, 0.0, u_own=5.0, u_tgt=7.0) == OVERTAKEN
    assert cls(247.5 - EPS, 0.0, u_own=5.0, u_tgt=7.0) == OVERTAKEN
    # At exactly 22.5 deg abaft the beam the rule says "more than": not overtaking.
    assert cls(112.5, 0.0, u_own=5.0, u_tgt=7.0) != OVERTAKEN
    assert cls(112.5 - EPS, 0.0, u_own=5.0, u_tgt=7.0) != OVERTAKEN
    assert cls(247.5 + EPS, 0.0, u_own=5.0, u_tgt=7.0) != OVERTAKEN


def test_stern_sector_boundary_own_overtaking():
    # Own ship seen from the target just inside / outside the stern sector.
    assert cls(0.0, 112.5 + EPS, u_own=7.0, u_tgt=5.0) == OVERTAKING
    assert cls(0.0, -(112.5 + EPS), u_own=7.0, u_tgt=5.0) == OVERTAKING
    assert cls(0.0, 112.5 - EPS, u_own=7.0, u_tgt=5.0) != OVERTAKING
    assert cls(0.0, 112.5, u_own=7.0, u_tgt=5.0) != OVERTAKING


def test_just_forward_of_stern_sector_is_crossing():
    # Target 112.5 deg on own starboard side, crossing towards own track: give-way.
    assert cls(112.5, -30.0) == CROSSING_GIVE_WAY
    assert cls(112.5 + EPS, -30.0, u_own=6.0, u_tgt=6.0) == NONE  # abaft: neither 13 nor 15


def test_overtaking_aspect_limit_45():
    assert cls(180.0, 45.0 - EPS, u_own=5.0, u_tgt=7.0) == OVERTAKEN
    assert cls(180.0, 45.0, u_own=5.0, u_tgt=7.0) == OVERTAKEN
    assert cls(180.0, 45.0 + EPS, u_own=5.0, u_tgt=7.0) != OVERTAKEN
    assert cls(45.0 - EPS, 180.0, u_own=7.0, u_tgt=5.0) == OVERTAKING
    assert cls(45.0 + EPS, 180.0, u_own=7.0, u_tgt=5.0) != OVERTAKING


def test_overtaking_speed_test_with_hysteresis():
    h = LARGE.classification.overtaking_speed_hysteresis_mps
    assert cls(0.0, 180.0, u_own=5.0 + h + 0.01, u_tgt=5.0) == OVERTAKING
    assert cls(0.0, 180.0, u_own=5.0 + h - 0.01, u_tgt=5.0) == NONE
    # DNV has no speed test: geometry alone decides.
    assert cls(0.0, 180.0, u_own=4.0, u_tgt=5.0, profile=DNV) == OVERTAKING


# --- head-on tolerance ------------------------------------------------------------------------


@pytest.mark.parametrize("profile,tol", [(LARGE, 13.0), (DNV, 5.0), (NTNU, 13.0)])
def test_head_on_tolerance_both_sides(profile, tol):
    assert cls(0.0, 0.0, profile=profile) == HEAD_ON
    assert cls(tol - EPS, 0.0, profile=profile) == HEAD_ON
    assert cls(tol, 0.0, profile=profile) == HEAD_ON  # inclusive
    assert cls(0.0, -(tol - EPS), profile=profile) == HEAD_ON
    assert cls(360.0 - (tol - EPS), tol - EPS, profile=profile) == HEAD_ON
    # Just outside on the starboard bow with the target heading across: crossing give-way.
    assert cls(tol + EPS, -(tol + EPS), profile=profile) == CROSSING_GIVE_WAY
    # Just outside on the port bow, own ship on the target's starboard bow: stand-on.
    assert cls(-(tol + EPS), tol + EPS, profile=profile) == CROSSING_STAND_ON


# --- crossing limit theta_cr -----------------------------------------------------------------


def test_crossing_limit_woerner_minus_10():
    # Target on the starboard bow (beta 30); its aspect alpha decides: at or below -10 deg it is
    # crossing own bow from starboard (give-way); above it the target is heading away/parallel.
    assert cls(30.0, -10.0 - EPS) == CROSSING_GIVE_WAY
    assert cls(30.0, -10.0) == CROSSING_GIVE_WAY
    assert cls(30.0, -10.0 + EPS) == NONE
    assert cls(350.0 + EPS, 30.0) == NONE  # beta180 just above -10: no stand-on
    assert cls(350.0 - EPS, 30.0) == CROSSING_STAND_ON
    assert cls(-10.0, 30.0) == CROSSING_STAND_ON  # exactly at the limit (same float)


def test_crossing_limit_dnv_plus_5():
    assert cls(30.0, 5.0, profile=DNV) == CROSSING_GIVE_WAY
    assert cls(30.0, 5.0 + EPS, profile=DNV) == NONE


def test_crossing_side_limits_112_5():
    # alpha at -112.5 inclusive, beyond it the target is heading away from own track.
    assert cls(60.0, -112.5) == CROSSING_GIVE_WAY
    assert cls(60.0, -112.5 - EPS) == NONE
    # Own ship at 112.5 deg on the target's starboard side: stand-on, beyond it none.
    assert cls(300.0, 112.5) == CROSSING_STAND_ON
    assert cls(300.0, 112.5 + EPS, u_own=6.0, u_tgt=6.0) == NONE


# --- Imazu geometry (Sawada 2021 Table 4; classes computed from the initial states) ------------


def _angles_from_scene(os_ne, os_course, ts_ne, ts_course):
    p = np.array(ts_ne) - np.array(os_ne)
    b, a = encounter_angles(p[0], p[1], math.radians(os_course), math.radians(ts_course))
    return float(b), float(a)


@pytest.mark.parametrize(
    "ts,course,ratio,beta,alpha,code",
    [
        ((6, 0), 180, 1.0, 0.0, 0.0, HEAD_ON),
        ((0, 6), -90, 1.0, 45.0, -45.0, CROSSING_GIVE_WAY),
        ((-4.2, 0), 0, 0.7, 0.0, 180.0, OVERTAKING),
        ((-4.243, -4.243), 45, 1.0, 292.5, 67.5, CROSSING_STAND_ON),
        ((-5.909, -1.042), 10, 1.0, 275.0, 85.0, CROSSING_STAND_ON),  # case 13 TS2
        ((4.243, 4.243), -135, 1.0, 22.5, -22.5, CROSSING_GIVE_WAY),  # case 18 TS1
        ((-2.97, -2.97), 45, 0.7, 315.6, 90.6, CROSSING_STAND_ON),  # case 16 TS1
    ],
)
def test_imazu_geometry(ts, course, ratio, beta, alpha, code):
    b, a = _angles_from_scene((-6.0 * NM, 0.0), 0.0, (ts[0] * NM, ts[1] * NM), course)
    assert math.degrees(b) == pytest.approx(beta, abs=0.1)
    d = (math.degrees(a) - alpha + 180.0) % 360.0 - 180.0
    assert d == pytest.approx(0.0, abs=0.1)
    u = 12 * 1852 / 3600
    for prof in (LARGE, DNV):
        assert classify(b, a, u, ratio * u, prof) == code


def test_classify_wrapper_matches_oracle_and_rejects_bad_input():
    rng = np.random.default_rng(4)
    beta = rng.uniform(-7, 7, 5000)
    alpha = rng.uniform(-7, 7, 5000)
    uo = rng.uniform(0, 10, 5000)
    ut = rng.uniform(0, 10, 5000)
    for prof in (LARGE, DNV, NTNU):
        got = classify(beta, alpha, uo, ut, prof)
        want = classify_np(beta, alpha, uo, ut, classification_params(prof))
        np.testing.assert_array_equal(got, want)
    from autoship.errors import AutoshipError

    with pytest.raises(AutoshipError, match="finite"):
        classify([np.nan], [0.0], [1.0], [1.0], LARGE)
    with pytest.raises(AutoshipError, match="shape"):
        classify([0.0, 1.0], [0.0], [1.0, 1.0], [1.0, 1.0], LARGE)


def test_stages_by_range():
    s = LARGE.stages
    got = stage_of([s.r2_m + 1, s.r2_m, s.r3_m + 1, s.r3_m, s.r4_m, 0.0], LARGE)
    assert got.tolist() == [1, 2, 2, 3, 4, 4]


# --- properties --------------------------------------------------------------------------------

coord = st.floats(-20000, 20000, allow_nan=False)
course = st.floats(0, 2 * math.pi, allow_nan=False, exclude_max=True)
speed = st.floats(0.5, 10.0)


def _boundaries(profile):
    c = profile.classification
    vals = [0.0, 180.0, c.head_on_deg, c.overtaking_deg, c.crossing_deg, c.stern_sector_deg]
    return [math.radians(v) for v in vals]


def _near_boundary(angle, profile, tol=1e-6):
    a = (angle + math.pi) % (2 * math.pi) - math.pi
    return any(abs(abs(a) - b) < tol or abs(a - b) < tol for b in _boundaries(profile))


def _scene_code(own, tgt, profile):
    (n1, e1, c1, u1), (n2, e2, c2, u2) = own, tgt
    b, a = encounter_angles(n2 - n1, e2 - e1, c1, c2)
    return int(classify(b, a, u1, u2, profile)), float(b), float(a)


@settings(max_examples=300, deadline=None)
@given(coord, coord, course, speed, coord, coord, course, speed, course, coord, coord)
def test_rotation_and_translation_change_nothing(n1, e1, c1, u1, n2, e2, c2, u2, rot, dn, de):
    assume(math.hypot(n2 - n1, e2 - e1) > 1.0)
    code, b, a = _scene_code((n1, e1, c1, u1), (n2, e2, c2, u2), LARGE)
    assume(not _near_boundary(b, LARGE) and not _near_boundary(a, LARGE))
    cr, sr = math.cos(rot), math.sin(rot)

    def move(n, e):
        return n * cr - e * sr + dn, n * sr + e * cr + de

    m1 = move(n1, e1)
    m2 = move(n2, e2)
    code2, _, _ = _scene_code((*m1, c1 + rot, u1), (*m2, c2 + rot, u2), LARGE)
    assert code2 == code


@settings(max_examples=400, deadline=None)
@given(coord, coord, course, speed, coord, coord, course, speed, st.sampled_from(["l", "d", "n"]))
def test_swapping_own_and_target_mirrors_the_code(n1, e1, c1, u1, n2, e2, c2, u2, which):
    prof = {"l": LARGE, "d": DNV, "n": NTNU}[which]
    assume(math.hypot(n2 - n1, e2 - e1) > 1.0)
    code_a, _, _ = _scene_code((n1, e1, c1, u1), (n2, e2, c2, u2), prof)
    code_b, _, _ = _scene_code((n2, e2, c2, u2), (n1, e1, c1, u1), prof)
    # Exact: no boundary assumption needed, the crossing/overtaking tests are mirror images.
    assert code_b == MIRROR[code_a]


@settings(max_examples=300, deadline=None)
@given(
    st.floats(-4 * math.pi, 4 * math.pi),
    st.floats(-4 * math.pi, 4 * math.pi),
    st.floats(0, 12),
    st.floats(0, 12),
)
def test_kernel_mirror_on_raw_angles(beta, alpha, uo, ut):
    for prof in (LARGE, DNV, NTNU):
        assert (
            cls(math.degrees(alpha), math.degrees(beta), ut, uo, prof)
            == MIRROR[cls(math.degrees(beta), math.degrees(alpha), uo, ut, prof)]
        )
