"""SB-MPC candidate-evaluation kernel against its NumPy twin, and the own-ship prediction."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autoship.planner import _kernels as kn
from autoship.planner._reference import evaluate_candidates_numpy, own_tracks_np


def _weights(nsteps=60, dt=10.0, chart=False):
    w = np.zeros(kn.NW)
    w[kn.W_DT] = dt
    w[kn.W_NSTEPS] = nsteps
    w[kn.W_COLL] = 10.0
    w[kn.W_HIT] = 100.0
    w[kn.W_TDISC] = 600.0
    w[kn.W_AHEAD] = 4.0
    w[kn.W_AHEAD_AMIN] = math.radians(-25)
    w[kn.W_AHEAD_AMAX] = math.radians(165)
    w[kn.W_OT_AHEAD] = math.radians(45)
    w[kn.W_STS] = 4.0
    w[kn.W_PORT_HO] = 4.0
    w[kn.W_PORT_GW] = 2.0
    w[kn.W_STANDON] = 20.0
    w[kn.W_PORT_17C] = 6.0
    w[kn.W_NA] = 1.5
    w[kn.W_NA_RAD] = math.radians(30)
    w[kn.W_R19_PORT] = 3.0
    w[kn.W_R19_TOWARDS] = 3.0
    w[kn.W_TURN_RAD] = math.radians(2)
    w[kn.W_COLREG_RANGE] = 2.0
    w[kn.W_COURSE] = 1.0
    w[kn.W_SPEED] = 0.6
    w[kn.W_CHANGE_COURSE] = 0.3
    w[kn.W_CHANGE_SPEED] = 0.3
    w[kn.W_GROUND] = 20.0
    w[kn.W_GROUND_HIT] = 1000.0
    w[kn.W_CLEAR_REQ] = 300.0
    w[kn.W_CLEAR_HIT] = 90.0
    w[kn.W_HAS_CHART] = 1.0 if chart else 0.0
    w[kn.W_GROUND_STEPS] = 40
    w[kn.W_TAIL_S] = nsteps * dt
    w[kn.W_STAGE2_STEP] = nsteps // 4
    w[kn.W_LATER] = 0.5
    w[kn.W_HULL_HALF_L] = 75.0
    w[kn.W_HULL_HALF_B] = 15.0
    w[kn.W_HULL_N] = 5
    return w


def _own(chi0=0.0, u0=6.0, base=0.0, route=0.0):
    own = np.zeros(kn.NOWN)
    own[kn.O_CHI0] = chi0
    own[kn.O_U0] = u0
    own[kn.O_CHI_BASE] = base
    own[kn.O_CHI_ROUTE] = route
    own[kn.O_U_REF] = 6.0
    own[kn.O_DCHI_PREV] = base
    own[kn.O_UF_PREV] = 1.0
    own[kn.O_T_CHI] = 50.0
    own[kn.O_T_U] = 120.0
    own[kn.O_T_DELAY] = 15.0
    return own


def _scene(rng, nt, chart):
    own = _own(
        chi0=rng.uniform(0, 2 * np.pi),
        u0=rng.uniform(0, 8),
        base=rng.uniform(0, 2 * np.pi),
        route=rng.uniform(0, 2 * np.pi),
    )
    own[kn.O_DCHI_PREV] = rng.uniform(0, 2 * np.pi)
    own[kn.O_UF_PREV] = rng.choice([0.0, 0.5, 1.0])
    dchi = np.radians(np.repeat(np.arange(-90, 91, 15.0), 3))
    uf = np.tile([1.0, 0.5, 0.0], dchi.size // 3)
    n = nt + 1
    tn = rng.uniform(-8000, 8000, n)
    te = rng.uniform(-8000, 8000, n)
    sp = rng.uniform(0, 9, n)
    cs = rng.uniform(0, 2 * np.pi, n)
    tvn = sp * np.cos(cs)
    tve = sp * np.sin(cs)
    r_safe = rng.uniform(800, 2000, n)
    r_col = rng.uniform(150, 600, n)
    code = rng.integers(0, 6, n).astype(np.int64)
    duty = rng.integers(0, 5, n).astype(np.int64)
    free = rng.random(n) < 0.5
    at_risk = rng.random(n) < 0.7
    beta_now = rng.uniform(-np.pi, np.pi, n)
    idx = np.arange(1, n, dtype=np.int64)
    w = _weights(chart=chart)
    # A grid with a round island of radius 1500 m centred 3 km north-east.
    g = np.arange(-10000.0, 10001.0, 250.0)
    nn, ee = np.meshgrid(g, g, indexing="ij")
    grid = np.hypot(nn - 3000.0, ee - 3000.0) - 1500.0
    # Every third candidate a two-stage one (second offset 40 deg to starboard of the first).
    dchi2 = np.where(np.arange(dchi.size) % 3 == 1, dchi + np.radians(40.0), dchi)
    return (own, dchi, uf, dchi2, tn, te, tvn, tve, r_safe, r_col, code, duty, free, at_risk,
            beta_now, idx, w, grid, -10000.0, -10000.0, 250.0)  # fmt: skip


def _run_both(args, rules=None, paths=(None, None)):
    nc = args[1].shape[0]
    nsteps = int(args[16][kn.W_NSTEPS])
    out_k = [np.empty(nc) for _ in range(3)]
    scratch = [np.empty(nsteps + 1) for _ in range(3)]
    kn.evaluate_candidates(*args, *scratch, *out_k, rules, *paths)
    out_n = [np.empty(nc) for _ in range(3)]
    evaluate_candidates_numpy(*args, *scratch, *out_n, rules, *paths)
    return out_k, out_n


def _turning_paths(rng, args):
    """Predicted paths for about half the targets: their observed speed, turning at a random
    rate (a target following a bend); NaN rows stay at constant velocity."""
    tn, te, tvn, tve = args[4], args[5], args[6], args[7]
    nsteps = int(args[16][kn.W_NSTEPS])
    dt = args[16][kn.W_DT]
    n = tn.shape[0]
    tpn = np.full((n, nsteps + 1), np.nan)
    tpe = np.full((n, nsteps + 1), np.nan)
    for j in range(n):
        if rng.random() < 0.5:
            continue
        u = math.hypot(tvn[j], tve[j])
        chi = math.atan2(tve[j], tvn[j]) + rng.uniform(-1e-3, 1e-3) * np.arange(nsteps + 1) * dt
        tpn[j] = tn[j] + np.concatenate([[0.0], np.cumsum(u * np.cos(chi[1:]) * dt)])
        tpe[j] = te[j] + np.concatenate([[0.0], np.cumsum(u * np.sin(chi[1:]) * dt)])
    return tpn, tpe


def _tss_rules(w):
    """Rule 9/10 rasters of a traffic separation scheme across the scene (planner.lanes):
    lanes north 500..2500 m (ORIENT 270) and -2500..-500 m (090), a zone between, and a
    fairway 600 m wide along east = 3000 m; sets the weight and grid in ``w``."""
    from shapely.geometry import box

    from autoship.charts.routing import Routing
    from autoship.charts.sdf import DistanceField
    from autoship.planner.lanes import kernel_rasters

    routing = Routing.from_features(
        {
            "TSSLPT": [
                {"geometry": box(-9000, 500, 9000, 2500), "orient_deg": 270.0},
                {"geometry": box(-9000, -2500, 9000, -500), "orient_deg": 90.0},
            ],
            "TSEZNE": [{"geometry": box(-9000, -500, 9000, 500)}],
            "FAIRWY": [{"geometry": box(2700, 3000, 3300, 9000)}],
        }
    )
    field = DistanceField(np.zeros((81, 81)), -10000.0, -10000.0, 250.0)
    rules, n0, e0, res = kernel_rasters(routing, field)
    w[kn.W_RULES] = 0.5
    w[kn.W_RULE_N0], w[kn.W_RULE_E0], w[kn.W_RULE_RES] = n0, e0, res
    return rules


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    nt=st.integers(0, 6),
    chart=st.booleans(),
    routeing=st.booleans(),
    paths=st.booleans(),
)
def test_kernel_matches_numpy_twin(seed, nt, chart, routeing, paths):
    rng = np.random.default_rng(seed)
    args = _scene(rng, nt, chart)
    rules = _tss_rules(args[16]) if routeing else None
    tp = _turning_paths(rng, args) if paths else (None, None)
    (ck, mk, gk), (cn, mn, gn) = _run_both(args, rules, tp)
    if routeing:
        assert args[16][kn.W_RULES] > 0.0
    np.testing.assert_allclose(ck, cn, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(mk, mn, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(gk, gn, rtol=1e-9, atol=1e-6)


def test_straight_track_is_exact_and_turn_settles_on_command():
    own = _own(chi0=0.5, u0=5.0, base=0.5)
    n = 100
    tn, te, tc = (np.empty(n + 1) for _ in range(3))
    kn.own_track(own, 0.5, 5.0, 10.0, n, tn, te, tc)
    # Same course and speed: 100 steps of 10 s at 5 m/s = 5000 m along 0.5 rad.
    assert math.isclose(tn[-1], 5000 * math.cos(0.5), rel_tol=1e-12)
    assert math.isclose(te[-1], 5000 * math.sin(0.5), rel_tol=1e-12)
    # A 90 deg starboard command: unchanged during the dead time, then first-order to 90 deg.
    kn.own_track(own, 0.5 + math.pi / 2, 5.0, 10.0, n, tn, te, tc)
    assert tc[1] == 0.5  # t = 10 s < 15 s dead time
    expected = 0.5 + math.pi / 2 - (math.pi / 2) * math.exp(-(200.0 - 15.0) / 50.0)
    assert math.isclose(tc[20], expected, rel_tol=1e-12)
    assert abs(tc[-1] - (0.5 + math.pi / 2)) < 1e-6
    # Speed command 0: the ship coasts to a stop over about T_u * u0 = 600 m, never beyond.
    kn.own_track(own, 0.5, 0.0, 10.0, n, tn, te, tc)
    travelled = math.hypot(tn[-1], te[-1])
    assert 500.0 < travelled < 600.0
    n_np, e_np, c_np = own_tracks_np(own, np.array([0.5]), np.array([0.0]), 10.0, n)
    np.testing.assert_allclose(n_np[0], tn, rtol=1e-12, atol=1e-9)


def test_head_on_costs_favour_starboard_over_port():
    # Target dead ahead 10 km on the reciprocal course, duty "both" (rule 14).
    own = _own()
    dchi = np.radians(np.array([-30.0, 0.0, 30.0]))
    uf = np.ones(3)
    tn = np.array([0.0, 10000.0])
    te = np.zeros(2)
    tvn = np.array([6.0, -6.0])
    tve = np.zeros(2)
    args = (own, dchi, uf, dchi, tn, te, tvn, tve, np.full(2, 1500.0), np.full(2, 500.0),
            np.array([0, kn.HEAD_ON]), np.array([0, kn.DUTY_BOTH]), np.zeros(2, bool),
            np.ones(2, bool), np.zeros(2), np.array([1]), _weights(nsteps=120),
            np.zeros((2, 2)), 0.0, 0.0, 1.0)  # fmt: skip
    (cost, margin, _), _ = _run_both(args)
    port, keep, stbd = cost
    assert stbd < port and stbd < keep
    assert margin[1] < 0.0  # keeping course runs into the target
    assert margin[2] > 1000.0  # 30 deg to starboard early clears it widely


def test_stand_on_before_free_ignores_the_give_way_ships_risk():
    own = _own()
    dchi = np.radians(np.array([0.0, 30.0]))
    uf = np.ones(2)
    # Target on the port bow crossing to starboard: own ship is stand-on, not yet free.
    tn = np.array([0.0, 5000.0])
    te = np.array([0.0, -5000.0])
    tvn = np.array([0.0, 0.0])
    tve = np.array([0.0, 6.0])
    base = (
        own,
        dchi,
        uf,
        dchi,
        tn,
        te,
        tvn,
        tve,
        np.full(2, 1500.0),
        np.full(2, 500.0),
        np.array([0, kn.CROSSING_STAND_ON]),
        np.array([0, kn.DUTY_STAND_ON]),
    )
    rest = (np.ones(2, bool), np.zeros(2), np.array([1]), _weights(nsteps=120),
            np.zeros((2, 2)), 0.0, 0.0, 1.0)  # fmt: skip
    (cost, margin, _), _ = _run_both((*base, np.zeros(2, bool), *rest))
    assert cost[0] < cost[1]  # hold course and speed (17(a)(i))
    assert math.isinf(margin[0])  # its risk does not make candidates unsafe yet
    (cost, margin, _), _ = _run_both((*base, np.ones(2, bool), *rest))
    assert cost[1] < cost[0]  # once freed (17(a)(ii)/(b)) it acts
    assert margin[0] < 0.0


def _meeting(u_own=6.0, tail=True, nsteps=60):
    """Own ship northbound at the origin, a ship 14 km dead ahead on the reciprocal course at
    6 m/s, 10 m off the line: candidates keep (full speed) and stop, no duty, a 600 s horizon
    and a 2000 s tail."""
    own = _own(u0=u_own)
    w = _weights(nsteps=nsteps)
    w[kn.W_TAIL_S] = 2000.0 if tail else 0.0
    args = (own, np.zeros(2), np.array([1.0, 0.0]), np.zeros(2), np.array([0.0, 14000.0]),
            np.array([0.0, 10.0]), np.array([u_own, -6.0]), np.zeros(2), np.full(2, 1500.0),
            np.full(2, 500.0), np.zeros(2, np.int64), np.zeros(2, np.int64), np.zeros(2, bool),
            np.zeros(2, bool), np.zeros(2), np.array([1]), w, np.zeros((2, 2)), 0.0, 0.0,
            1.0)  # fmt: skip
    return _run_both(args)


def test_stopping_on_a_ships_track_is_not_safe_beyond_the_horizon():
    # Within 600 s the oncoming ship does not arrive whatever the own ship does (14 km at a
    # closing speed of at most 12 m/s): without the tail both candidates look collision-free.
    (cost, margin, _), _ = _meeting(tail=False)
    assert margin[1] > 0.0 and margin[0] > 0.0
    # Extrapolated past the horizon, the stopped ship is run down (10 m CPA, contact 500 m).
    (cost, margin, _), (cost_n, margin_n, _) = _meeting(tail=True)
    assert margin[1] < -400.0 and margin_n[1] < -400.0
    assert cost[1] > 10.0  # the hit term, discounted, dominates the speed penalty


def test_postponing_a_meeting_does_not_lower_its_risk():
    # Keep (CPA at 1167 s at 12 m/s closing) and stop (the own ship stops within ~600 m, so
    # CPA about 2233 s): both pass 10 m off. The discount is capped at the present TCPA, so
    # the stop candidate's risk equals keep's (up to the 10 s sampling of the closest point)
    # and it costs the speed penalties; discounted at its own later CPA it would be 40 % lower.
    (cost, margin, _), _ = _meeting(nsteps=300)
    w = _weights()
    assert cost[0] > 30.0
    assert cost[1] >= cost[0] + w[kn.W_SPEED] + w[kn.W_CHANGE_SPEED] - 0.1


def test_two_stage_candidate_holds_on_past_an_island_then_turns():
    # Head-on ship 9 km ahead (rule 14, both turn to starboard); an island of radius 500 m
    # centred 400 m north, 700 m east: the own track passes 200 m off its edge. Turning 30 deg
    # to starboard now runs onto the island; holding on for 150 s (the switch step) and then
    # turning 45 deg clears both the island and the other ship.
    own = _own()
    dchi = np.radians(np.array([30.0, 0.0, 0.0]))
    dchi2 = np.radians(np.array([30.0, 45.0, 0.0]))
    uf = np.ones(3)
    g = np.arange(-10000.0, 10001.0, 50.0)
    nn, ee = np.meshgrid(g, g, indexing="ij")
    grid = np.hypot(nn - 400.0, ee - 700.0) - 500.0
    w = _weights(chart=True)
    w[kn.W_HULL_N] = 1  # the centre point against a 90 m circle (a 150 m hull lying along the
    # track would clear the island's edge by the 94 m it passes off)
    args = (own, dchi, uf, dchi2, np.array([0.0, 9000.0]), np.zeros(2), np.array([6.0, -6.0]),
            np.zeros(2), np.full(2, 1500.0), np.full(2, 500.0), np.array([0, kn.HEAD_ON]),
            np.array([0, kn.DUTY_BOTH]), np.zeros(2, bool), np.ones(2, bool), np.zeros(2),
            np.array([1]), w, grid, -10000.0, -10000.0, 50.0)  # fmt: skip
    (cost, margin, clear), _ = _run_both(args)
    now, later, keep = 0, 1, 2
    assert clear[now] < w[kn.W_CLEAR_HIT]  # aground on the island
    assert clear[later] > w[kn.W_CLEAR_HIT] and margin[later] > 0.0
    assert margin[keep] < 0.0  # holding on runs into the other ship (after the horizon)
    assert cost[later] < min(cost[now], cost[keep])


@settings(max_examples=60, deadline=None)
@given(
    n=st.floats(-300.0, 300.0),
    e=st.floats(-300.0, 300.0),
    chi=st.floats(0.0, 2 * math.pi),
    length=st.floats(20.0, 300.0),
    beam=st.floats(5.0, 50.0),
)
def test_hull_clearance_is_the_rectangles_distance_to_a_straight_shore(n, e, chi, length, beam):
    """Shore along east = 500 m (land beyond): the hull's clearance is 500 - the largest east of
    its stadium (centre line +-L/2, radius B/2), which bounds the rectangle's own distance by at
    most B/2 (1 - cos) at the ends; sampled points hit the centre line's ends exactly."""
    g = np.arange(-1000.0, 1001.0, 10.0)
    nn, ee = np.meshgrid(g, g, indexing="ij")
    grid = 500.0 - ee
    got = kn.hull_clearance(grid, -1000.0, -1000.0, 10.0, n, e, chi, length / 2, beam / 2, 7)
    want = 500.0 - (e + abs(math.sin(chi)) * length / 2) - beam / 2
    assert got == pytest.approx(want, abs=1e-6)
    # The true rectangle is never closer to the shore than the stadium says.
    rect_east = e + abs(math.sin(chi)) * length / 2 + abs(math.cos(chi)) * beam / 2
    assert 500.0 - rect_east >= got - 1e-6


def test_a_ship_along_a_narrow_channel_is_clear_and_one_across_it_is_not():
    """Issue 14: a 120 m ship (beam 20 m) in a straight dredged channel 180 m wide. With a circle
    of L/2 + B/2 = 70 m round the centre every track near the banks looked like a grounding;
    the hull's stadium leaves the 90 - 10 = 80 m the ship really has either side when it lies
    along the channel, and still blocks a turn across it."""
    g = np.arange(-5000.0, 5001.0, 10.0)
    nn, ee = np.meshgrid(g, g, indexing="ij")
    grid = 90.0 - np.abs(ee)  # water for |east| < 90 m
    w = _weights(nsteps=30, dt=10.0, chart=True)
    w[kn.W_HULL_HALF_L] = 60.0
    w[kn.W_HULL_HALF_B] = 10.0
    w[kn.W_HULL_N] = 7
    w[kn.W_CLEAR_HIT] = 70.0
    w[kn.W_CLEAR_REQ] = 240.0
    own = _own(chi0=0.0, u0=4.0)
    own[kn.O_U_REF] = 4.0
    dchi = np.radians(np.array([0.0, 90.0]))
    uf = np.array([1.0, 1.0])
    empty = np.zeros(0)
    args = (own, dchi, uf, dchi.copy(), empty, empty, empty, empty, empty, empty,
            np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.bool_),
            np.zeros(0, dtype=np.bool_), empty, np.zeros(0, dtype=np.int64), w, grid,
            -5000.0, -5000.0, 10.0)  # fmt: skip
    (ck, mk, gk), (cn, mn, gn) = _run_both(args)
    np.testing.assert_allclose(gk, gn, atol=1e-6)
    # Centre-equivalent clearance: 80 m of hull clearance + 70 m = 150 m along the channel.
    assert gk[0] == pytest.approx(150.0, abs=1e-6)
    assert gk[0] > w[kn.W_CLEAR_HIT] > gk[1]


def test_routeing_cost_ranks_candidates_in_a_lane():
    """Own ship in the eastbound lane (north -1500 m) heading 090: holding on with the flow
    costs least, turning square across the lane more, turning against or obliquely across the
    flow most (rules 10(b)(i), 10(c))."""
    own = _own(chi0=math.pi / 2, u0=6.0, base=math.pi / 2, route=math.pi / 2)
    own[kn.O_N] = -1500.0
    own[kn.O_DCHI_PREV] = 0.0
    w = _weights(nsteps=30, dt=10.0)
    w[kn.W_COURSE] = 0.0  # isolate the routeing term
    w[kn.W_CHANGE_COURSE] = 0.0
    w[kn.W_GROUND_STEPS] = 30
    rules = _tss_rules(w)
    dchi = np.radians(np.array([0.0, 90.0, 180.0, -45.0]))
    uf = np.ones(4)
    empty = np.zeros(0)
    iempty = np.zeros(0, dtype=np.int64)
    bempty = np.zeros(0, dtype=np.bool_)
    grid = np.full((2, 2), 1e9)
    args = (own, dchi, uf, dchi.copy(), empty, empty, empty, empty, empty, empty, iempty,
            iempty, bempty, bempty, empty, iempty, w, grid, 0.0, 0.0, 1.0)  # fmt: skip
    (ck, _, _), (cn, _, _) = _run_both(args, rules)
    np.testing.assert_allclose(ck, cn, rtol=1e-9, atol=1e-9)
    keep, across, against, oblique = ck
    assert keep == pytest.approx(0.0, abs=1e-9)
    assert keep < across < against
    assert across < oblique


def test_a_path_with_constant_velocity_is_constant_velocity():
    """A predicted path that is the straight line gives the constant-velocity result."""
    rng = np.random.default_rng(7)
    args = _scene(rng, 4, True)
    tn, te, tvn, tve = args[4], args[5], args[6], args[7]
    nsteps = int(args[16][kn.W_NSTEPS])
    t = np.arange(nsteps + 1) * args[16][kn.W_DT]
    tpn = tn[:, None] + tvn[:, None] * t
    tpe = te[:, None] + tve[:, None] * t
    (c0, m0, _), _ = _run_both(args)
    (c1, m1, _), (c2, m2, _) = _run_both(args, None, (tpn, tpe))
    np.testing.assert_allclose(c1, c0, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(m1, m0, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(c2, c1, rtol=1e-9, atol=1e-6)


def test_kernel_settings_field_order_is_the_vector_layout():
    """The ``W_*`` indices come from ``KernelSettings``' field order (issue 15 item 6): each
    field lands at its index in ``array()``, and every ``W_`` name of the module is one field."""
    from dataclasses import fields

    names = [f.name for f in fields(kn.KernelSettings)]
    vals = {n: float(k + 1) for k, n in enumerate(names)}
    arr = kn.KernelSettings(**vals).array()
    assert arr.shape == (kn.NW,) and len(names) == kn.NW
    for n in names:
        assert arr[getattr(kn, "W_" + n.upper())] == vals[n]
    declared = {k for k in dir(kn) if k.startswith("W_") and k != "W_INDEX"}
    assert declared == {"W_" + n.upper() for n in names}
