"""The run folder's metadata (meta.json) for one finished simulation."""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Sequence
from typing import Any

import numpy as np

from autoship.record import FORMAT, FORMAT_VERSION
from autoship.record.records import (
    EventRecord,
    RunMeta,
    ScenarioInfo,
    ShipRecord,
    under_test_rule,
)
from autoship.scenario import Scenario


def versions() -> dict[str, str]:
    import numba

    from autoship import __version__

    return {
        "autoship": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
    }


def route_of(planner: Any) -> list[list[float]] | None:
    wp = getattr(getattr(planner, "route", None), "waypoints", None)
    if wp is None:
        return None
    return [[round(float(n), 1), round(float(e), 1)] for n, e in np.asarray(wp)]


def latency_stats(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"n": 0, "p50": None, "p99": None, "max": None}  # type: ignore[dict-item]
    a = np.array(samples) * 1e3
    return {
        "n": int(a.size),
        "p50": float(np.percentile(a, 50)),
        "p99": float(np.percentile(a, 99)),
        "max": float(a.max()),
    }


def run_meta(
    scen: Scenario,
    *,
    seed: int,
    n_records: int,
    profile: str,
    profile_choice: str,
    planner_names: Sequence[str],
    planners: Sequence[Any],
    min_clearance: np.ndarray,
    has_chart: Sequence[bool],
    replayed: np.ndarray,
    handover_t: Sequence[float | None],
    latency: Sequence[list[float]],
    events: list[dict[str, Any]],
) -> dict[str, Any]:
    """meta.json: the scenario as run, per-ship facts, planner latencies and events by time
    (an ``autoship.record.RunMeta`` as JSON). Every ship record says whether the ship is under
    test (``under_test_rule``: own ships and ships on an avoiding planner, not replayed traffic
    nor ships told to ignore their duty), so readers need not guess it from planner names."""
    ids = [s.id for s in scen.ships]
    ships = [
        ShipRecord(
            id=s.id,
            index=i,
            role=s.role,
            model=s.ship.name,
            family=s.ship.family,
            length_m=s.ship.length_m,
            beam_m=s.ship.beam_m,
            draught_m=s.ship.draught_m,
            planner=planner_names[i],
            under_test=under_test_rule(s.role, planner_names[i], bool(replayed[i]), s.ignores_duty),
            category=s.category,
            mmsi=s.mmsi,
            ship_type=s.ship_type,
            nav_status=s.nav_status,
            ais_class=s.ais_class,
            min_clearance_m=(float(min_clearance[i]) if has_chart[i] else None),
            replayed=bool(replayed[i]),
            handover_t_s=handover_t[i],
            ignores_duty=s.ignores_duty,
            goal=None if s.goal is None else {"north_m": s.goal[0], "east_m": s.goal[1]},
            # The planner's route (north, east waypoints), so the referee can tell a turn
            # that follows it from an avoiding manoeuvre; None without one.
            route=route_of(planners[i]),
        )
        for i, s in enumerate(scen.ships)
    ]
    meta = RunMeta(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        autoship_version=versions()["autoship"],
        versions=versions(),
        scenario=ScenarioInfo(
            id=scen.id,
            title=scen.title,
            source=scen.source,
            path=str(scen.path) if scen.path else None,
            sha256=hashlib.sha256(scen.text.encode()).hexdigest(),
            text=scen.text,
            provenance=scen.provenance,
            expect=list(scen.expect),
        ),
        frame=scen.frame.to_dict(),
        seed=seed,
        dt_s=scen.dt_s,
        planner_period_s=scen.planner_period_s,
        record_period_s=scen.record_period_s,
        duration_s=scen.duration_s,
        n_records=n_records,
        visibility=scen.visibility,
        profile=profile,
        profile_choice=profile_choice,
        start_utc=scen.start_utc,
        environment=scen.environment.to_dict(),
        sensors=scen.sensors.to_dict(),
        chart=None
        if scen.chart is None
        else {
            "path": str(scen.chart.path),
            "under_keel_clearance_m": scen.chart.under_keel_clearance_m,
        },
        ships=ships,
        planner_latency_ms={ids[i]: latency_stats(latency[i]) for i in range(len(ids))},
        # Planners' own events arrive as dicts with whatever keys they add (kept as extra).
        events=[
            EventRecord.from_json(ev, prefix=f"events[{k}]")
            for k, ev in enumerate(sorted(events, key=lambda e: e["t_s"]))
        ],
    )
    return meta.to_json()
