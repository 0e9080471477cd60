"""A seeded random set of encounters built the way DNV's ship-traffic-generator builds them.

Construction per target (Pedersen et al., ICMASS 2023; data-formats reference section 7): pick an
encounter type, a relative bearing beta from the own ship for that type, a speed ratio and a
meeting time ``vector_time``; the own ship's position after ``vector_time`` is the meeting point
(meeting-circle radius 0: an exact collision course); the target starts on the own ship's bearing
line at the distance from which, at its speed, it reaches the meeting point in ``vector_time``,
steering straight for it. A draw is kept only if the target re-classifies as the requested type
at the start (with the profile's classifier, so the set means the same thing as the scores).

Ranges used (DNV ``encounter_settings.json``, reference section 7): speed ratio target/own
overtaking stand-on [1.5, 2.0], overtaking give-way [0.25, 0.75], head-on and crossing
[0.5, 1.5]; meeting time 10-20 min; beta: overtaking stand-on in the stern sector, overtaking
give-way within +-67.5 deg, head-on within +-5 deg, crossing give-way (0, 112.5) deg, crossing
stand-on (-112.5, 5) deg. Target speed capped at 17 kn (DNV baseline sogMax) and raised to the
minimum the geometry needs. One to three targets per encounter; own ship 8-14 kn on 000 deg.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from autoship.colregs import load_profile
from autoship.colregs.classify import classification_params, classify_kernel
from autoship.units import KNOT

TYPES = ("head-on", "crossing-give-way", "crossing-stand-on", "overtaking", "overtaken")
_CODE = {"head-on": 1, "crossing-give-way": 2, "crossing-stand-on": 3, "overtaking": 4,
         "overtaken": 5}  # fmt: skip
_RATIO = {
    "overtaken": (1.5, 2.0),
    "overtaking": (0.25, 0.75),
    "head-on": (0.5, 1.5),
    "crossing-give-way": (0.5, 1.5),
    "crossing-stand-on": (0.5, 1.5),
}
_BETA = {
    "overtaken": (112.5, 247.5),
    "overtaking": (-67.5, 67.5),
    "head-on": (-5.0, 5.0),
    "crossing-give-way": (0.0, 112.5),
    "crossing-stand-on": (-112.5, 5.0),
}
SOG_MAX_KN = 17.0


@dataclass(frozen=True)
class Target:
    type: str
    north: float
    east: float
    course_deg: float
    speed_kn: float
    length_m: float


@dataclass(frozen=True)
class Encounter:
    index: int
    own_speed_kn: float
    targets: tuple[Target, ...]
    duration_s: float

    def to_toml(self, own_planner: str = "sbmpc", profile: str = "large-ship") -> str:
        """Scenario file text for this encounter (own ship at the origin heading north)."""
        from autoship.scenario.dump import dumps_document

        u = self.own_speed_kn * KNOT
        goal = u * self.duration_s + 5000.0
        # Values rounded as the file has always given them (0.1 m, 0.001 kn / deg), so the
        # encounters stay the ones benchmarks were run on.
        ships: list[dict[str, Any]] = [
            {
                "id": "os",
                "role": "own",
                "model": "generic-cargo",
                "start": {"north_m": 0.0, "east_m": 0.0},
                "course_deg": 0.0,
                "speed_kn": round(self.own_speed_kn, 3),
                "goal": {"north_m": round(goal, 1), "east_m": 0.0},
                "planner": own_planner,
            }
        ]
        for k, t in enumerate(self.targets):
            ships.append(
                {
                    "id": f"ts{k + 1}",
                    "role": "target",
                    "model": "generic-cargo",
                    "length_m": round(t.length_m, 1),
                    "beam_m": round(t.length_m / 6.0, 1),
                    "start": {"north_m": round(t.north, 1), "east_m": round(t.east, 1)},
                    "course_deg": round(t.course_deg, 3),
                    "speed_kn": round(t.speed_kn, 3),
                    "planner": "keep-course",
                }
            )
        doc: dict[str, Any] = {
            "scenario": {
                "id": f"random-{self.index:04d}",
                "title": f"random encounter {self.index}: "
                + ", ".join(t.type for t in self.targets),
                "source": "generated",
                "seed": self.index,
                "duration_s": round(float(self.duration_s), 1),
                "dt_s": 1.0,
                "planner_period_s": 5.0,
                "visibility": "good",
            },
            "frame": {"origin_lat_deg": 45.0, "origin_lon_deg": -30.0},
            "scoring": {"profile": profile},
            "ship": ships,
        }
        header = (
            f"Random encounter {self.index} (DNV trafficgen construction, "
            "autoship.planner.encounters)."
        )
        return dumps_document(doc, header=header)


def _one_target(rng, kind, u_os, params):
    for _ in range(25):  # DNV: up to 5 x 5 retries
        lo, hi = _BETA[kind]
        beta = math.radians(rng.uniform(lo, hi))
        t_meet = rng.uniform(600.0, 1200.0)
        ratio = rng.uniform(*_RATIO[kind])
        u_t = min(ratio * u_os, SOG_MAX_KN * KNOT)
        # Target start S = r (cos beta, sin beta) with |S - P| = u_t T, P = (u_os T, 0).
        b = u_os * t_meet * math.cos(beta)
        c = (u_os * t_meet) ** 2 - (u_t * t_meet) ** 2
        if b * b - c < 0.0:
            u_t = min(u_os * abs(math.sin(beta)) * 1.05, SOG_MAX_KN * KNOT)
            c = (u_os * t_meet) ** 2 - (u_t * t_meet) ** 2
            if b * b - c < 0.0:
                continue
        roots = [b + math.sqrt(b * b - c), b - math.sqrt(b * b - c)]
        for r in roots:
            if r < 1500.0:
                continue
            sn, se = r * math.cos(beta), r * math.sin(beta)
            course = math.atan2(-se, u_os * t_meet - sn)
            alpha = math.atan2(-se, -sn) - course
            code = classify_kernel(
                beta, alpha, u_os, u_t, params[0], params[1], params[2], params[3],
                params[4] != 0.0, params[5],
            )  # fmt: skip
            if code == _CODE[kind]:
                return Target(
                    kind,
                    sn,
                    se,
                    math.degrees(course) % 360.0,
                    u_t / KNOT,
                    float(rng.uniform(80.0, 250.0)),
                ), t_meet
    return None


def generate(n: int, seed: int = 2023, profile: str = "large-ship") -> list[Encounter]:
    """``n`` reproducible encounters (the same ``seed`` gives the same list)."""
    params = classification_params(load_profile(profile))
    rng = np.random.default_rng(seed)
    out: list[Encounter] = []
    while len(out) < n:
        u_os = rng.uniform(8.0, 14.0) * KNOT
        n_t = int(rng.integers(1, 4))
        targets: list[Target] = []
        t_max = 0.0
        for _ in range(n_t):
            got = _one_target(rng, TYPES[int(rng.integers(0, len(TYPES)))], u_os, params)
            if got is None:
                break
            tgt, t_meet = got
            # Targets do not start on top of one another.
            if any(math.hypot(tgt.north - o.north, tgt.east - o.east) < 1000.0 for o in targets):
                break
            targets.append(tgt)
            t_max = max(t_max, t_meet)
        if len(targets) != n_t:
            continue
        out.append(Encounter(len(out), u_os / KNOT, tuple(targets), round(t_max + 900.0)))
    return out
