"""scenario.dump: load -> dump -> load gives an equal Scenario (bundled and generated files)."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autoship.dynamics.library import load_ship
from autoship.errors import ScenarioError
from autoship.geo import LocalFrame
from autoship.scenario.dump import dump, dump_file, dumps_document
from autoship.scenario.loader import load_scenario, parse_scenario
from autoship.scenario.schema import (
    CATEGORIES,
    Environment,
    Scenario,
    SensorSpec,
    ShipSpec,
)
from autoship.units import KNOT

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted((ROOT / "scenarios").rglob("*.toml"))


def _same(a: object, b: object, where: str = "scenario") -> None:
    """Field-by-field equality, exact for floats; ``path``/``text`` say where a scenario was
    read from, not what it is, and tracks compare by file and arrays."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            if isinstance(a, Scenario) and f.name in ("path", "text"):
                continue
            if f.name == "path" and isinstance(getattr(a, f.name), Path):
                assert Path(a.path).resolve() == Path(b.path).resolve(), f"{where}.path"  # type: ignore[attr-defined]
                continue
            if not f.compare:
                continue
            _same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and np.array_equal(a, b), where
    elif isinstance(a, (tuple, list)):
        assert isinstance(b, type(a)) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), where
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
    else:
        # np.float64 (from a track) is a float: same value is the same scenario.
        assert a == b, f"{where}: {a!r} != {b!r}"
        assert isinstance(a, float) or type(a) is type(b), f"{where}: {type(a)} != {type(b)}"


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(ROOT / "scenarios")))
def test_bundled_round_trip(path: Path, tmp_path: Path) -> None:
    first = load_scenario(path)
    # Written next to the original: relative chart and track paths stay relative.
    again = parse_scenario(dump(first, base_dir=path.parent), path)
    _same(first, again)
    # Written elsewhere: the paths are rewritten to resolve to the same files from there.
    out = tmp_path / "sub" / "copy.toml"
    out.parent.mkdir()
    dump_file(first, out)
    _same(first, load_scenario(out))


def test_bundled_files_exist() -> None:
    assert len(BUNDLED) >= 40


def test_dump_file_never_overwrites(tmp_path: Path) -> None:
    scen = load_scenario(BUNDLED[0])
    out = tmp_path / "s.toml"
    out.write_text("# mine\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not overwritten"):
        dump_file(scen, out)
    assert out.read_text(encoding="utf-8") == "# mine\n"
    dump_file(scen, out, overwrite=True)
    _same(scen, load_scenario(out))


def test_text_without_base_dir_has_absolute_paths(tmp_path: Path) -> None:
    charted = [p for p in BUNDLED if "[chart]" in p.read_text(encoding="utf-8")]
    if not charted:
        pytest.skip("no bundled scenario with a chart")
    scen = load_scenario(charted[0])
    again = parse_scenario(dump(scen), tmp_path / "elsewhere.toml")
    _same(scen, again)


def test_strings_are_escaped() -> None:
    doc = {"scenario": {"title": 'a "b" \\ c\n\t\x01\x7f é'}, "ship": []}
    import tomllib

    assert tomllib.loads(dumps_document(doc))["scenario"]["title"] == doc["scenario"]["title"]


_LIB = load_ship("generic-cargo")
_finite = {"allow_nan": False, "allow_infinity": False}


@st.composite
def _ship(draw: st.DrawFn, k: int) -> ShipSpec:
    role = "own" if k == 0 else draw(st.sampled_from(("own", "target")))
    length = draw(st.floats(50.0, 300.0, **_finite))
    beam = draw(st.floats(0.1, 0.2, **_finite)) * length
    draught = draw(st.floats(0.5, 20.0, **_finite))
    sdef = _LIB.with_dimensions(length, beam, draught) if draw(st.booleans()) else None
    if sdef is None:
        sdef = _LIB.with_dimensions(_LIB.length_m, _LIB.beam_m, _LIB.draught_m)
    # Ships in separate 3 km cells, so hulls never overlap.
    n = k * 3000.0 + draw(st.floats(-900.0, 900.0, **_finite))
    e = draw(st.floats(-50_000.0, 50_000.0, **_finite))
    goal = draw(
        st.none() | st.tuples(st.floats(-9e4, 9e4, **_finite), st.floats(-9e4, 9e4, **_finite))
    )
    route = None
    if goal is not None and draw(st.booleans()):
        route = (
            (draw(st.floats(-9e4, 9e4, **_finite)), draw(st.floats(-9e4, 9e4, **_finite))),
            goal,
        )
    params = draw(
        st.dictionaries(
            st.text("abcxyz_ -.", min_size=1, max_size=6),
            st.integers(-5, 5) | st.floats(-1e3, 1e3, **_finite) | st.text(max_size=5),
            max_size=3,
        )
    )
    return ShipSpec(
        id=f"s{k}",
        role=role,
        ship=sdef,
        start_north=n,
        start_east=e,
        course=draw(st.floats(0.0, 2 * math.pi, exclude_max=True, **_finite)),
        speed=draw(st.floats(0.0, 30.0, **_finite)) * KNOT,
        goal=goal,
        planner=draw(st.sampled_from(("keep-course", "waypoint", "sbmpc"))),
        planner_params=params,
        category=draw(st.sampled_from(CATEGORIES)),
        mmsi=draw(st.none() | st.integers(1, 999_999_999)),
        ship_type=draw(st.none() | st.integers(0, 99)),
        nav_status=draw(st.none() | st.integers(0, 15)),
        ignores_duty=draw(st.booleans()),
        ais_class=draw(st.sampled_from((None, "A", "B"))),
        route=route,
    )


@st.composite
def _scenario(draw: st.DrawFn) -> Scenario:
    dt = draw(st.sampled_from((0.1, 0.5, 1.0, 2.0)))
    n_ticks = draw(st.integers(1, 5000))
    n_ships = draw(st.integers(1, 4))
    interval = draw(st.floats(0.1, 600.0, **_finite))
    sensors = draw(
        st.just(SensorSpec())
        | st.builds(
            SensorSpec,
            model=st.sampled_from(("perfect", "ais")),
            report_interval_s=st.just(interval),
            position_noise_m=st.floats(0.0, 1000.0, **_finite),
            dropout=st.floats(0.0, 0.95, **_finite),
            stale_after_s=st.floats(interval, 3600.0, **_finite),
        )
    )
    cs = draw(st.floats(0.0, 15.0, **_finite)) * KNOT
    cd = draw(st.floats(0.0, 2 * math.pi, **_finite))
    env = Environment(
        cs * math.cos(cd),
        cs * math.sin(cd),
        draw(st.floats(0.0, 150.0, **_finite)) * KNOT,
        draw(st.floats(0.0, 2 * math.pi, **_finite)),
    )
    return Scenario(
        id=draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True)),
        title=draw(st.text(max_size=30)),
        source=draw(st.text(max_size=10)),
        seed=draw(st.integers(0, 2**63 - 1)),
        duration_s=n_ticks * dt,
        dt_s=dt,
        planner_period_s=dt * draw(st.integers(1, 10)),
        record_period_s=dt * draw(st.integers(1, 10)),
        visibility=draw(st.sampled_from(("good", "restricted"))),
        frame=LocalFrame(
            draw(st.floats(-80.0, 80.0, **_finite)), draw(st.floats(-180.0, 180.0, **_finite))
        ),
        ships=tuple(draw(_ship(k)) for k in range(n_ships)),
        profile=draw(st.sampled_from(("large-ship", "small-craft"))),
        environment=env,
        provenance=draw(st.just({}) | st.just({"description": "d", "case": 3})),
        expect=draw(st.sampled_from(((), ("collision",), ("collision", "grounding")))),
        start_utc=draw(st.sampled_from((None, "2016-01-12T13:55:01Z"))),
        sensors=sensors,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_scenario())
def test_generated_round_trip(scen: Scenario) -> None:
    once = parse_scenario(dump(scen))
    # Built values the file cannot hold exactly (a speed no knot value converts to) may move
    # by an ulp on the first trip; from then on the trip is exact.
    for a, b in ((scen.environment, once.environment),):
        assert math.isclose(a.current_n, b.current_n, rel_tol=1e-12, abs_tol=1e-12)
        assert math.isclose(a.current_e, b.current_e, rel_tol=1e-12, abs_tol=1e-12)
    for a, b in zip(scen.ships, once.ships, strict=True):
        assert math.isclose(a.speed, b.speed, rel_tol=1e-12, abs_tol=1e-15)
        assert math.isclose(a.course, b.course, rel_tol=1e-12, abs_tol=1e-12)
        assert (a.start_north, a.start_east, a.goal, a.route) == (
            b.start_north,
            b.start_east,
            b.goal,
            b.route,
        )
    _same(once, parse_scenario(dump(once)))


SWEEPS = sorted((ROOT / "sweeps").glob("*.toml"))


@pytest.mark.parametrize("sweep", SWEEPS, ids=lambda p: p.name)
def test_generated_sweep_cases_round_trip(sweep: Path) -> None:
    from autoship.sweep.generators import generate, parse_sweep

    gen = generate(parse_sweep(sweep.read_text(encoding="utf-8"), sweep))
    for case in gen.cases[:15]:
        first = parse_scenario(case.text, case.path)
        _same(first, parse_scenario(dump(first), first.path))


def test_random_encounters_round_trip() -> None:
    from autoship.sweep.generators import random_encounters

    for first in random_encounters(12, seed=5, n_targets=(1, 2, 3), planner="sbmpc"):
        _same(first, parse_scenario(dump(first)))
