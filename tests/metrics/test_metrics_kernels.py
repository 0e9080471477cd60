"""The pair-scan and measurement kernels against the plain NumPy oracle."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autoship.colregs import classification_params, load_profile
from autoship.colregs.domains import domain_params
from autoship.metrics.score import Tracks, measure, scan, scan_params

from .metrics_oracle import measure_np, scan_np


def random_traffic(seed: int, m: int, n: int, dt: float = 2.0, radius: float = 10000.0):
    """Ships starting on a circle, heading roughly for its centre (so they meet), wandering
    with random turn rates and occasional speed steps."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) * dt
    pos = rng.uniform(0, 2 * math.pi, m)
    chi0 = pos + math.pi + rng.uniform(-0.5, 0.5, m)
    chi = chi0 + np.cumsum(rng.normal(0, 0.004, (n, m)) * (rng.random((n, m)) < 0.3), axis=0)
    u = rng.uniform(4, 8, m) * np.where(rng.random((n, m)) < 0.001, 0.7, 1.0).cumprod(axis=0)
    n0 = radius * np.cos(pos)
    e0 = radius * np.sin(pos)
    # A third of the ships follow another one from 0.25 radius astern, 2.5 m/s faster, so the
    # scene also holds overtaking encounters.
    for k in range(m // 3):
        f = m - 1 - k
        chi[:, f] = chi[:, k] + rng.normal(0, 0.02)
        u[:, f] = u[:, k] + 2.5
        n0[f] = n0[k] - 0.25 * radius * math.cos(chi0[k])
        e0[f] = e0[k] - 0.25 * radius * math.sin(chi0[k]) + rng.normal(0, 50)
    vn, ve = u * np.cos(chi), u * np.sin(chi)
    north = n0 + np.cumsum(vn, axis=0) * dt
    east = e0 + np.cumsum(ve, axis=0) * dt
    return {
        "t": t,
        "north": north,
        "east": east,
        "vn": vn,
        "ve": ve,
        "heading": chi % (2 * math.pi),
    }


@pytest.mark.parametrize(
    "profile_name,seed", [("large-ship", 1), ("ntnu-small-asv", 2), ("dnv2023", 3)]
)
def test_scan_and_measure_match_oracle(profile_name, seed):
    prof = load_profile(profile_name)
    radius = 10000.0 if profile_name != "ntnu-small-asv" else 2500.0
    arr = random_traffic(seed, m=12, n=1500 if radius > 5000 else 600, radius=radius)
    tr = Tracks.from_arrays(arr)
    ii, jj = np.triu_indices(12, k=1)
    got = scan(tr, ii, jj, prof)
    want = scan_np(tr.t, tr.north, tr.east, tr.vn, tr.ve, tr.cog, tr.sog, ii, jj,
                   classification_params(prof), scan_params(prof))  # fmt: skip
    assert got["n_enc"].sum() > 10, "the random scene should contain encounters"
    assert len(set(got["code"][got["k0"] >= 0].tolist())) >= 3, "several encounter types"
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-12, atol=1e-9, err_msg=key)

    n_slots = np.minimum(got["n_enc"], 4)
    rows = [(p, s) for p in range(len(ii)) for s in range(n_slots[p])]
    P = np.array([r[0] for r in rows])
    S = np.array([r[1] for r in rows])
    own, tgt = ii[P], jj[P]
    length = np.linspace(100, 300, 12)
    k0, kcpa, k1, code = got["k0"][P, S], got["kcpa"][P, S], got["k1"][P, S], got["code"][P, S]
    m_got = measure(tr, length, own, tgt, k0, kcpa, k1, code, prof)
    mp = [math.radians(prof.manoeuvre.course_detect_deg), prof.manoeuvre.speed_detect_mps,
          prof.stages.r2_m, prof.stages.r3_m, prof.stages.r4_m]  # fmt: skip
    m_want = measure_np(tr.north, tr.east, tr.cog, tr.sog, tr.heading, length, own, tgt, k0,
                        kcpa, k1, np.isin(code, (4, 5)), mp, domain_params(prof))  # fmt: skip
    for key in m_want:
        np.testing.assert_allclose(m_got[key], m_want[key], rtol=1e-12, atol=1e-9, err_msg=key)


def test_continuous_minimum_between_records():
    # Two ships pass 100 m apart exactly half way between two records 60 s apart: the records
    # alone would say >= 316 m; the straight segment between them gives 100 m at t = 30 s.
    t = np.array([0.0, 60.0])
    u = 5.0
    arr = {
        "t": t,
        "north": np.array([[-150.0, -150.0 + 0.0], [150.0, 150.0]]).T * 0
        + np.array([[-150.0, 150.0], [150.0, -150.0]]),
        "east": np.array([[0.0, 100.0], [0.0, 100.0]]),
        "vn": np.array([[u, -u], [u, -u]]),
        "ve": np.zeros((2, 2)),
        "heading": np.array([[0.0, math.pi], [0.0, math.pi]]),
    }
    tr = Tracks.from_arrays(arr)
    got = scan(tr, np.array([0]), np.array([1]), load_profile("large-ship"))
    assert got["pmin_r"][0] == pytest.approx(100.0)
    assert got["pmin_t"][0] == pytest.approx(30.0)


def test_two_encounters_in_one_pair_match_oracle():
    # A heads north at 5 m/s. B meets it head-on (passing 300 m to port), runs on until well
    # past r2, turns round and comes back at 10 m/s to overtake: two encounters, two classes.
    dt = 2.0
    t = np.arange(0, 6000, dt)
    a_n = -8000 + 5.0 * t
    b_course = np.where(
        t < 2400, math.pi, np.where(t < 2600, math.pi * (1 - (t - 2400) / 200), 0.0)
    )
    b_speed = np.where(t < 2400, 5.0, 10.0)
    b_vn = b_speed * np.cos(b_course)
    b_ve = b_speed * np.sin(b_course)
    b_n = 16000 + np.concatenate(([0.0], np.cumsum(b_vn[:-1] * dt)))
    b_e = np.full_like(t, -300.0) + np.concatenate(([0.0], np.cumsum(b_ve[:-1] * dt)))
    arr = {
        "t": t,
        "north": np.stack([a_n, b_n], 1),
        "east": np.stack([np.zeros_like(t), b_e], 1),
        "vn": np.stack([np.full_like(t, 5.0), b_vn], 1),
        "ve": np.stack([np.zeros_like(t), b_ve], 1),
        "heading": np.stack([np.zeros_like(t), b_course % (2 * math.pi)], 1),
    }
    prof = load_profile("large-ship")
    tr = Tracks.from_arrays(arr)
    got = scan(tr, np.array([0]), np.array([1]), prof)
    want = scan_np(tr.t, tr.north, tr.east, tr.vn, tr.ve, tr.cog, tr.sog, [0], [1],
                   classification_params(prof), scan_params(prof))  # fmt: skip
    assert got["n_enc"][0] == 2
    # Head-on, then a second risk that begins while B is still turning round: the class is
    # fixed at risk onset (no rule 13-15 geometry then), not re-read after the manoeuvre.
    assert got["code"][0, :2].tolist() == [1, 0]
    assert got["rcpa"][0, 0] == pytest.approx(300.0, abs=1.0)
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-12, atol=1e-9, err_msg=key)
