"""One scenario as a steppable simulation: sense, decide, control+integrate, check, record.

Time runs in integer ticks of ``dt_s``; planners decide every ``planner_period_s`` (a
*decision*), so ``step()`` advances one planner period and ``run()`` steps to the end.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from autoship.colregs.profile import AUTO_PROFILE, choose_profile
from autoship.dynamics import Fleet
from autoship.dynamics.state import (
    CMD_COURSE,
    CMD_SPEED,
    ENV_CUR_E,
    ENV_CUR_N,
    ENV_WIND_FROM,
    ENV_WIND_SPEED,
    NC,
    NENV,
    NX,
    PSI,
    E,
    N,
    R,
    U,
    V,
)
from autoship.errors import AutoshipError
from autoship.geometry import wrap_2pi
from autoship.planner import Command, Observation, PlannerContext, make_planner
from autoship.scenario import Scenario
from autoship.sim.contact import contact_kernel
from autoship.sim.grounding import GroundingWatch
from autoship.sim.meta import run_meta
from autoship.sim.recorder import OnRecord, Recorder
from autoship.sim.replay import handover_trigger, place_replayed, recorded_arrays
from autoship.sim.result import SimResult
from autoship.sim.sensors import AisPicture
from autoship.units import KNOT, NAUTICAL_MILE


def _seed_sequence(seed: int, scenario_id: str) -> np.random.SeedSequence:
    # Streams depend on (seed, scenario id) only, never on process or worker order.
    digest = hashlib.sha256(scenario_id.encode()).digest()
    return np.random.SeedSequence([seed, int.from_bytes(digest[:8], "little")])


def _own_view(
    i: int, seen: tuple, X: np.ndarray, vn: np.ndarray, ve: np.ndarray, copy: bool
) -> dict[str, Any]:
    """The picture for ship ``i``: everyone as sensed, itself as it truly is (own sensors)."""
    north, east, heading, svn, sve, valid = seen
    if copy:
        north, east, heading = north.copy(), east.copy(), heading.copy()
        svn, sve, valid = svn.copy(), sve.copy(), valid.copy()
        north[i], east[i], heading[i] = X[N, i], X[E, i], X[PSI, i]
        svn[i], sve[i], valid[i] = vn[i], ve[i], True
    return {"north": north, "east": east, "heading": heading, "vn": svn, "ve": sve, "valid": valid}


def _default_handover() -> str:
    """The most capable registered COLREG-following planner for replayed ships handed over."""
    from autoship.planner import planner_names

    names = planner_names()
    return next(p for p in ("sbmpc", "vo", "waypoint") if p in names)


class Simulation:
    """A scenario run that can be reset, stepped one planner period at a time, observed from
    any ship and finished. ``Simulation(scen).run()`` is the whole headless run.

    ``on_record(t, row)`` is called with every recorded row (arrays over ships, e.g. to stream
    the run as AIS while it runs); it must not modify the arrays.
    """

    def __init__(
        self,
        scenario: Scenario,
        planner_override: str | None = None,
        seed: int | None = None,
        on_record: OnRecord | None = None,
    ) -> None:
        scen = scenario
        self.scenario = scen
        self.planner_override = planner_override
        self.default_seed = scen.seed if seed is None else seed
        self.on_record = on_record
        self.n = len(scen.ships)
        self.ids = tuple(s.id for s in scen.ships)
        self.categories = tuple(s.category for s in scen.ships)
        self.defs = [s.ship for s in scen.ships]
        self.length = np.array([d.length_m for d in self.defs])
        self.beam = np.array([d.beam_m for d in self.defs])
        self.dt = scen.dt_s
        self.n_ticks = scen.n_ticks
        self.env = np.zeros(NENV)
        self.env[ENV_CUR_N] = scen.environment.current_n
        self.env[ENV_CUR_E] = scen.environment.current_e
        self.env[ENV_WIND_SPEED] = scen.environment.wind_speed
        self.env[ENV_WIND_FROM] = scen.environment.wind_from
        # The chart is loaded once: its hazards are pure queries, shared by every reset.
        self.chart_json: dict[str, Any] | None = None
        self.hazards: list[Any] = [None] * self.n
        self.routing: Any = None
        if scen.chart is not None:
            from autoship.charts import load_chart
            from autoship.charts.routing import Routing

            chart = load_chart(scen.chart.path, scen.frame)
            routing = Routing.from_chart(chart)
            self.routing = None if routing.empty else routing
            ukc = scen.chart.under_keel_clearance_m
            for i, s in enumerate(scen.ships):
                self.hazards[i] = chart.hazards(s.ship.draught_m, ukc)
            deepest_own = max(s.ship.draught_m for s in scen.ships if s.role == "own")
            self.chart_json = chart.to_viewer_json(draught_m=deepest_own, ukc_m=ukc)
        self.profile, self.profile_choice = self._choose_profile(self._initial_state())
        self.reset()

    # -- set-up -------------------------------------------------------------------------------

    def _initial_state(self) -> np.ndarray:
        X0 = np.zeros((NX, self.n))
        for i, s in enumerate(self.scenario.ships):
            X0[N, i] = s.start_north
            X0[E, i] = s.start_east
            X0[PSI, i] = s.course
            X0[U, i] = s.speed
        return X0

    def _choose_profile(self, X0: np.ndarray) -> tuple[str, str]:
        scen = self.scenario
        if scen.profile != AUTO_PROFILE:
            return scen.profile, "named by the scenario"
        own_idx = [i for i, s in enumerate(scen.ships) if s.role == "own"]
        shore = [
            float(self.hazards[i].clearance(X0[N, i : i + 1], X0[E, i : i + 1])[0])
            for i in own_idx
            if self.hazards[i] is not None
        ]
        return choose_profile(
            [scen.ships[i].ship.length_m for i in own_idx], min(shore) if shore else None
        )

    def _build_planner(
        self,
        i: int,
        name: str,
        params: dict,
        start: tuple[float, float],
        course: float,
        speed: float,
        goal: tuple[float, float] | None,
        route: tuple[tuple[float, float], ...] | None = None,
    ) -> Any:
        scen = self.scenario
        s = scen.ships[i]

        def named(exc: AutoshipError) -> AutoshipError:
            # Planner errors name the scenario file and the ship's key, like loader errors.
            field = f"ship.{s.id}.{exc.field or 'planner'}"
            return AutoshipError(exc.message, file=str(scen.path or ""), field=field)

        try:
            p = make_planner(name, params)
        except AutoshipError as exc:
            raise named(exc) from None
        ctx = PlannerContext(
            ship_index=i,
            ship_id=s.id,
            length=s.ship.length_m,
            beam=s.ship.beam_m,
            draught=s.ship.draught_m,
            start=start,
            initial_course=course,
            cruise_speed=speed,
            max_speed=float(s.ship.model.get("max_speed_kn", 30.0)) * KNOT,
            goal=goal,
            route=route,
            dt=scen.dt_s,
            planner_period=scen.planner_period_s,
            visibility=scen.visibility,
            category=s.category,
            rng=np.random.default_rng(self._streams[i]),
            params=dict(params),
            hazards=self.hazards[i],
            routing=self.routing,
            ignores_duty=s.ignores_duty,
            profile=self.profile,
            ship=s.ship,
        )
        try:
            p.reset(ctx)
        except AutoshipError as exc:
            raise named(exc) from None
        return p

    def reset(self, seed: int | None = None) -> None:
        """Back to t = 0 with fresh planners, sensors and records; ``seed`` overrides the seed
        given at construction (itself the scenario's by default) for this and later runs."""
        scen = self.scenario
        n = self.n
        if seed is not None:
            self.default_seed = seed
        self.seed = self.default_seed
        self.fleet = Fleet(self.defs, self._initial_state())
        self._streams = _seed_sequence(self.seed, scen.id).spawn(n + 1)
        self.planners: list[Any] = []
        self.planner_names: list[str] = []
        self.replaying = np.zeros(n, dtype=bool)
        self.handover_t: list[float | None] = [None] * n
        for i, s in enumerate(scen.ships):
            name, params = s.planner, s.planner_params
            if self.planner_override is not None and s.role == "own":
                if self.planner_override != s.planner:
                    params = {}
                name = self.planner_override
            if name == "replay":
                self.replaying[i] = True
                self.planners.append(None)
            else:
                start = (s.start_north, s.start_east)
                self.planners.append(
                    self._build_planner(i, name, params, start, s.course, s.speed, s.goal, s.route)
                )
            self.planner_names.append(name)
        self.replayed = self.replaying.copy()

        n_rec = self.n_ticks // scen.record_every + 1
        self.recorder = Recorder(n_rec, n, self.on_record)
        self.C = np.full((NC, n), np.nan)
        self.grounding = GroundingWatch(self.hazards)
        self.grounding.start(self.fleet.X, self.length, self.beam)
        self.active = np.ones(n, dtype=np.bool_)
        self.contact = np.zeros((n, n), dtype=np.bool_)
        self.touched = np.zeros((n, n), dtype=np.bool_)
        # Centre-to-centre minimum per pair, exact over the linear motion inside each tick.
        self.pair_min = np.full((n, n), np.inf)
        np.fill_diagonal(self.pair_min, 0.0)
        self._prev = np.empty((3, n))
        self.events: list[dict[str, Any]] = []
        self.latency: list[list[float]] = [[] for _ in range(n)]
        self._failed_planner = [False] * n
        self.k = 0
        self._orders: dict[int, Command] = {}

        if self.replaying.any():
            place_replayed(self.fleet.X, scen.ships, self.replaying, 0.0, self.env)
        self.ais = None
        if scen.sensors.model == "ais":
            self.ais = AisPicture(scen.sensors, n, np.random.default_rng(self._streams[n]))
            vn0, ve0 = self.fleet.ground_velocity(self.env)
            X = self.fleet.X
            self.ais.update(0.0, X[N], X[E], vn0, ve0, X[PSI])

    # -- stepping -----------------------------------------------------------------------------

    @property
    def t(self) -> float:
        """Simulated time now, s."""
        return self.k * self.dt

    @property
    def done(self) -> bool:
        return self.k >= self.n_ticks

    def index(self, ship: int | str) -> int:
        """Column of a ship given by id or index; a clear error names the scenario and key."""
        if isinstance(ship, (int, np.integer)) and not isinstance(ship, bool):
            if 0 <= ship < self.n:
                return int(ship)
        elif ship in self.ids:
            return self.ids.index(ship)
        raise AutoshipError(
            f"no ship {ship!r}; ships: {', '.join(self.ids)}",
            file=str(self.scenario.path or ""),
            field="ship",
        )

    def step(self, orders: Mapping[int | str, Command] | None = None) -> bool:
        """Advance one planner period (fewer ticks at the very end); returns ``done``.

        ``orders`` (ship id or index -> Command) replace those ships' planners for this
        decision: the command is applied as a planner's would be (course mod 2 pi, speed
        >= 0). A grounded ship ignores orders; a replayed ship cannot take them.
        """
        if self.done:
            raise AutoshipError("the run is over: reset() it to run again", field="step")
        self._orders = {}
        for ship, cmd in (orders or {}).items():
            i = self.index(ship)
            if self.replaying[i]:
                raise AutoshipError(
                    f"{self.ids[i]} is replaying its recording and takes no orders",
                    file=str(self.scenario.path or ""),
                    field=f"ship.{self.ids[i]}",
                )
            self._orders[i] = cmd
        every = self.scenario.planner_every
        end = min(self.n_ticks, (self.k // every + 1) * every)
        try:
            while self.k < end:
                self._tick()
        finally:
            self._orders = {}
        return self.done

    def run(self) -> SimResult:
        """Step to the end and return everything a run folder holds."""
        while not self.done:
            self.step()
        return self.result()

    def _sensed(self, t: float, X: np.ndarray, vn: np.ndarray, ve: np.ndarray) -> tuple:
        if self.ais is None:
            return (X[N].copy(), X[E].copy(), X[PSI].copy(), vn, ve, self.active.copy())
        return self.ais.picture(t)

    def observe(self, ship: int | str) -> Observation:
        """What ``ship``'s planner would be shown now: the others as sensed, itself as it is."""
        i = self.index(ship)
        vn, ve = self.fleet.ground_velocity(self.env)
        X = self.fleet.X
        seen = self._sensed(self.t, X, vn, ve)
        return Observation(
            t=self.t,
            own=i,
            ids=self.ids,
            length=self.length,
            beam=self.beam,
            categories=self.categories,
            own_u=float(X[U, i]),
            own_r=float(X[R, i]),
            **_own_view(i, seen, X, vn, ve, True),
        )

    def _decide(self, t: float) -> None:
        vn, ve = self.fleet.ground_velocity(self.env)
        X = self.fleet.X
        seen = self._sensed(t, X, vn, ve)
        obs_common: dict[str, Any] = dict(
            t=t, ids=self.ids, length=self.length, beam=self.beam, categories=self.categories
        )
        if self.replaying.any():
            self._check_handovers(t)
        C, ids, events = self.C, self.ids, self.events
        for i, p in enumerate(self.planners):
            if self.grounding.grounded[i]:
                C[CMD_SPEED, i] = 0.0
                continue
            order = self._orders.get(i)
            if order is not None:
                C[CMD_COURSE, i] = wrap_2pi(float(order.course))
                C[CMD_SPEED, i] = max(0.0, float(order.speed))
                continue
            if p is None:
                continue
            obs = Observation(
                own=i,
                own_u=float(X[U, i]),
                own_r=float(X[R, i]),
                **obs_common,
                **_own_view(i, seen, X, vn, ve, self.ais is not None),
            )
            t0 = time.perf_counter()
            try:
                cmd = p.plan(obs)
                C[CMD_COURSE, i] = wrap_2pi(float(cmd.course))
                C[CMD_SPEED, i] = max(0.0, float(cmd.speed))
            except Exception as exc:  # a planner never stops a run: keep the last command
                if not self._failed_planner[i]:
                    events.append(
                        {
                            "t_s": t,
                            "kind": "planner_error",
                            "ships": [ids[i]],
                            "detail": f"{type(exc).__name__}: {exc}",
                        }
                    )
                    self._failed_planner[i] = True
            self.latency[i].append(time.perf_counter() - t0)
            if hasattr(p, "drain_events"):
                for ev in p.drain_events():
                    events.append({"t_s": t, "ships": [ids[i]], **ev})

    def _check_handovers(self, t: float) -> None:
        vn, ve = self.fleet.ground_velocity(self.env)
        X = self.fleet.X
        ships = self.scenario.ships
        for j in (int(k) for k in np.flatnonzero(self.replaying)):
            if not ships[j].handover:
                continue  # moored or anchored in the recording: stays replayed (handover = false)
            found = handover_trigger(j, X, vn, ve, ships, self.replayed, t)
            if found is not None:
                self._hand_over(j, found[0], found[1], t, vn, ve)

    def _hand_over(
        self, j: int, i: int, why: str, t: float, vn: np.ndarray, ve: np.ndarray
    ) -> None:
        """Replayed ship ``j`` is given a planner because of ship ``i``."""
        X, ids, s = self.fleet.X, self.ids, self.scenario.ships[j]
        assert s.track is not None  # only replayed ships, which have tracks, are handed over
        name = s.handover_planner or _default_handover()
        sog = math.hypot(vn[j], ve[j])
        start = (float(X[N, j]), float(X[E, j]))
        goal = (float(s.track.north[-1]), float(s.track.east[-1]))
        if math.hypot(goal[0] - start[0], goal[1] - start[1]) < 2.0 * self.length[j]:
            # Handed over near the end of its recording: carry on along its heading.
            ahead = 10.0 * NAUTICAL_MILE
            goal = (
                start[0] + ahead * math.cos(X[PSI, j]),
                start[1] + ahead * math.sin(X[PSI, j]),
            )
        try:
            self.planners[j] = self._build_planner(j, name, {}, start, float(X[PSI, j]), sog, goal)
        except Exception as exc:  # never stop a run: fall back to holding course
            self.events.append(
                {
                    "t_s": t,
                    "kind": "planner_error",
                    "ships": [ids[j]],
                    "detail": f"{name} could not take over: {exc}",
                }
            )
            name = "keep-course"
            self.planners[j] = self._build_planner(j, name, {}, start, float(X[PSI, j]), sog, None)
        self.planner_names[j] = name
        self.replaying[j] = False
        self.handover_t[j] = t
        # A replayed ship carries its recorded drift as sway; the models start from steady
        # straight running, so it sails on at the same speed along its heading.
        X[U, j] = math.hypot(X[U, j], X[V, j])
        X[V, j] = 0.0
        # Shaft and controller states were never stepped while replaying: trim them so the ship
        # carries on at its replayed speed instead of lurching.
        self.fleet.trim([j])
        self.events.append(
            {
                "t_s": t,
                "kind": "handover",
                "ships": [ids[j], ids[i]],
                "detail": f"{ids[j]} handed to {name} because of {ids[i]}: {why}",
            }
        )

    def _record(self, j: int, t: float) -> None:
        vn, ve = self.fleet.ground_velocity(self.env)
        self.recorder.record(j, t, self.fleet.X, vn, ve, self.C)

    def _tick(self) -> None:
        k, dt, scen = self.k, self.dt, self.scenario
        fleet, prev, ids = self.fleet, self._prev, self.ids
        if k % scen.planner_every == 0:
            self._decide(k * dt)
        if k == 0:
            self._record(0, 0.0)
        prev[0] = fleet.X[N]
        prev[1] = fleet.X[E]
        prev[2] = fleet.X[PSI]
        fleet.step(self.C, dt, self.env)
        t_next = (k + 1) * dt
        if self.replaying.any():
            place_replayed(fleet.X, scen.ships, self.replaying, t_next, self.env)
        self.grounding.hold(fleet.X, prev)  # a grounded ship stays where it took the ground
        X = fleet.X
        if self.ais is not None:
            gvn, gve = fleet.ground_velocity(self.env)
            self.ais.update(t_next, X[N], X[E], gvn, gve, X[PSI])
        length, beam = self.length, self.beam
        contact_kernel(
            prev[0], prev[1], prev[2], X[N], X[E], X[PSI], length, beam,
            self.active, self.contact, self.pair_min,
        )  # fmt: skip
        new = self.contact & ~self.touched
        if new.any():
            for i, j in zip(*np.nonzero(np.triu(new, 1)), strict=True):
                self.events.append(
                    {
                        "t_s": t_next,
                        "kind": "collision",
                        "ships": [ids[i], ids[j]],
                        "detail": f"hull contact between {ids[i]} and {ids[j]}",
                    }
                )
            self.touched |= new
        for i in self.grounding.check(prev, X, length, beam, self.replaying):
            self.events.append(
                {
                    "t_s": t_next,
                    "kind": "grounding",
                    "ships": [ids[i]],
                    "detail": f"{ids[i]} took the ground (draught {self.defs[i].draught_m:g} m)",
                }
            )
        self.k = k + 1
        if self.k % scen.record_every == 0:
            self._record(self.k // scen.record_every, t_next)

    # -- results ------------------------------------------------------------------------------

    def result(self) -> SimResult:
        """Everything a run folder holds, for the run so far (rows not yet reached are NaN)."""
        scen = self.scenario
        rec = self.recorder
        arrays = {"t": rec.t, **rec.arrays, "pair_min_distance": self.pair_min}
        if not self.done:
            # Mid-run: a snapshot, so later steps do not change what the caller holds.
            arrays = {k: v.copy() for k, v in arrays.items()}
        meta = run_meta(
            scen,
            seed=self.seed,
            n_records=rec.t.shape[0],
            profile=self.profile,
            profile_choice=self.profile_choice,
            planner_names=self.planner_names,
            planners=self.planners,
            min_clearance=self.grounding.min_clearance,
            has_chart=[h is not None for h in self.hazards],
            replayed=self.replayed,
            handover_t=self.handover_t,
            latency=self.latency,
            events=self.events,
        )
        return SimResult(
            meta=meta,
            arrays={**arrays, **recorded_arrays(scen.ships, rec.t)},
            chart_json=self.chart_json,
            events=meta["events"],
        )
