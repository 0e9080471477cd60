"""Behaviour cloning: the NumPy fit, and a policy closed-loop through the labelling path."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autoship.dataset.bc import LinearPolicy, closed_loop, summary
from autoship.dataset.episodes import Episode
from autoship.dataset.labels import label_episode
from tests.dataset.test_labels import SCEN


def test_fit_recovers_a_quadratic_map():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(400, 3))
    y = np.column_stack([0.3 * X[:, 0] - 0.2 * X[:, 1] ** 2, 5.0 + X[:, 2]])
    pol = LinearPolicy.fit(X, y, ridge=1e-9)
    assert np.allclose(pol.predict(X), y, atol=1e-6)


def test_policy_steers_the_own_ship_and_is_refereed():
    ep = Episode("ho", "ho", 5, SCEN.format(sid="ho", n=5000.0, e=0.0, c=180.0), None, "{}")
    width = len(label_episode(ep, "keep-course", None, 2)["steps"]["obs"][0])
    # A constant policy: 20 deg to starboard of the heading at 4 m/s, whatever it sees.
    w = np.zeros((2 * width + 1, 2))
    w[-1] = (math.radians(20.0), 4.0)
    pol = LinearPolicy(weights=w)
    lab = label_episode(ep, pol.name, None, 2, policy=pol)
    steps = lab["steps"]
    assert steps["order_course_change_rad"] == pytest.approx([math.radians(20.0)] * 2)
    assert steps["order_speed_mps"] == pytest.approx([4.0, 4.0])
    assert lab["episode"]["expert"] == "bc-linear" and lab["episode"]["outcome"] != "error"
    rows = closed_loop([ep], pol, None, 2)
    assert summary(rows) == {
        "episodes": 1,
        "passed": int(rows[0]["passed"]),
        "collisions": 0,
        "errors": 0,
        "mean_score": rows[0]["score"],
    }
