"""Sweep files and generators: hand-worked encounter geometry, DNV re-classification, seeding,
scenario files, strict parsing."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autoship.colregs import load_profile
from autoship.errors import AutoshipError
from autoship.scenario import parse_scenario
from autoship.sweep.generators import (
    ENCOUNTERS,
    TargetParams,
    derive_seed,
    generate,
    load_sweep,
    parse_sweep,
    place_target,
    random_encounters,
)
from autoship.units import KNOT

from .conftest import IMAZU, small_sweep

PROFILE = load_profile("large-ship")
V = 10.0 * KNOT
T = 600.0  # 10 min


def test_head_on_target_starts_twice_the_run_ahead_on_the_reciprocal_course():
    # Equal speeds, dead ahead: the target covers v T to the meeting point from 2 v T ahead.
    p = place_target(TargetParams("head-on", 0.0, None, 1.0, 10.0), 0.0, 0.0, 0.0, V, PROFILE)
    assert p is not None
    assert p.north == pytest.approx(2 * V * T)
    assert p.east == pytest.approx(0.0, abs=1e-9)
    assert math.degrees(p.course) == pytest.approx(180.0)
    assert ENCOUNTERS[p.code - 1] == "head-on"


def test_overtaking_picks_the_root_that_classifies_as_requested():
    # Slower target dead ahead: roots (1 - k) v T (same course, overtaking) and (1 + k) v T
    # (reciprocal course, head-on). Each request must get its own root.
    ot = place_target(TargetParams("overtaking", 0.0, None, 0.5, 10.0), 0, 0, 0.0, V, PROFILE)
    ho = place_target(TargetParams("head-on", 0.0, None, 0.5, 10.0), 0, 0, 0.0, V, PROFILE)
    assert ot is not None and ho is not None
    assert ot.north == pytest.approx(0.5 * V * T)
    assert math.degrees(ot.course) == pytest.approx(0.0, abs=1e-9)
    assert ho.north == pytest.approx(1.5 * V * T)
    assert math.degrees(ho.course) == pytest.approx(180.0)


def test_crossing_from_starboard_at_45_deg_meets_at_the_point_ahead():
    # beta = 45 deg, k = 1: d = 2 v T cos 45 = sqrt(2) v T, i.e. start (v T, v T): due east of
    # the meeting point, heading west (270 deg).
    p = place_target(TargetParams(None, 45.0, None, 1.0, 10.0), 0, 0, 0.0, V, PROFILE)
    assert p is not None
    assert (p.north, p.east) == pytest.approx((V * T, V * T))
    assert math.degrees(p.course) == pytest.approx(270.0)
    assert ENCOUNTERS[p.code - 1] == "crossing-give-way"


def test_impossible_geometry_is_refused():
    # An equal-speed target abeam can never reach a point ahead at the same time as us.
    assert place_target(TargetParams(None, 90.0, None, 1.0, 10.0), 0, 0, 0.0, V, PROFILE) is None
    # A head-on request on the starboard beam does not re-classify as head-on.
    assert place_target(TargetParams("head-on", 60.0, None, 1.2, 10.0), 0, 0, 0, V, PROFILE) is None


@settings(max_examples=60, deadline=None)
@given(
    own_course=st.floats(0.0, 359.0),
    course=st.floats(0.0, 359.0),
    ratio=st.floats(0.3, 2.0),
    tcpa=st.floats(3.0, 30.0),
    offset=st.floats(-2000.0, 2000.0),
)
def test_both_ships_reach_the_meeting_point_after_tcpa(own_course, course, ratio, tcpa, offset):
    chi = math.radians(own_course)
    p = place_target(
        TargetParams(None, None, course, ratio, tcpa, offset), 100.0, -50.0, chi, V, PROFILE
    )
    t = tcpa * 60.0
    c = math.radians(course)
    sx, sy = V * t - ratio * V * t * math.cos(c), offset - ratio * V * t * math.sin(c)
    if math.hypot(sx, sy) < 1.0:  # would start on top of the own ship: refused
        assert p is None
        return
    assert p is not None
    own = (100.0 + V * t * math.cos(chi), -50.0 + V * t * math.sin(chi))
    tgt = (p.north + p.speed * t * math.cos(p.course), p.east + p.speed * t * math.sin(p.course))
    # Straight-line motion puts the target exactly offset_m to the own ship's starboard.
    dn, de = tgt[0] - own[0], tgt[1] - own[1]
    assert math.hypot(dn, de) == pytest.approx(abs(offset), abs=1e-6)
    assert -dn * math.sin(chi) + de * math.cos(chi) == pytest.approx(offset, abs=1e-6)


def test_grid_is_the_cartesian_product_and_every_case_loads(tmp_path):
    spec = load_sweep(small_sweep(tmp_path))
    gen = generate(spec)
    assert len(gen.cases) + len(gen.dropped) == 3 * 2
    ids = [c.scenario_id for c in gen.cases] + [d[0] for d in gen.dropped]
    assert sorted(ids) == [f"small-g{k:05d}" for k in range(6)]
    for c in gen.cases:
        scen = parse_scenario(c.text)
        assert scen.id == c.scenario_id
        assert scen.seed == derive_seed(spec.seed, c.scenario_id, 0)
        assert len(scen.ships) == 1 + c.params["n_targets"]
    head = next(c for c in gen.cases if c.params["bearing_deg"] == -3.0)
    assert head.params["encounter"] == "head-on"


def test_random_sampling_is_seeded_and_independent_of_sample_count(tmp_path):
    text = """
[sweep]
id = "rnd"
seed = 5
[generator]
kind = "random"
samples = {n}
encounter = "all"
n_targets = [1, 3]
"""
    a = generate(parse_sweep(text.format(n=12)))
    b = generate(parse_sweep(text.format(n=12)))
    c = generate(parse_sweep(text.format(n=20)))
    assert [x.text for x in a.cases] == [x.text for x in b.cases]
    # Sample k depends on (seed, id) only: asking for more samples keeps the first ones.
    assert [x.text for x in a.cases] == [x.text for x in c.cases[: len(a.cases)]]
    assert (len(a.cases), len(c.cases)) == (12, 20)  # exactly `samples`, failed draws replaced
    assert {x.params["n_targets"] for x in c.cases} == {1, 3}
    for x in a.cases:
        for t in x.params["targets"]:
            assert t["encounter"] == t["classified"]  # DNV re-classification holds
    other = generate(parse_sweep(text.format(n=12).replace("seed = 5", "seed = 6")))
    assert [x.text for x in other.cases] != [x.text for x in a.cases]


def test_seeds_depend_on_sweep_seed_scenario_and_replicate_only():
    s = derive_seed(1, "a", 0)
    assert s == derive_seed(1, "a", 0)
    assert len({s, derive_seed(2, "a", 0), derive_seed(1, "b", 0), derive_seed(1, "a", 1)}) == 4
    assert 0 <= s < 2**63


def test_files_kind_reads_imazu_and_measures_its_geometry(tmp_path):
    p = tmp_path / "imazu.toml"
    p.write_text(
        f'[sweep]\nid = "imazu"\nseed = 1\n[generator]\nkind = "files"\npaths = ["{IMAZU}"]\n'
    )
    cases = generate(load_sweep(p)).cases
    assert len(cases) == 22
    c1 = next(c for c in cases if c.scenario_id == "imazu-01")
    # Imazu 01: head-on, 12 kn each from 6 NM either side of the origin: TCPA 30 min, DCPA 0.
    assert c1.params["encounter"] == "head-on"
    assert c1.params["bearing_deg"] == pytest.approx(0.0, abs=1e-6)
    assert c1.params["tcpa_min"] == pytest.approx(30.0, abs=0.01)
    assert c1.params["offset_m"] == pytest.approx(0.0, abs=1e-3)
    assert c1.path is not None and c1.path.name == "imazu-01.toml"
    assert max(c.params["n_targets"] for c in cases) == 3


def test_shared_random_encounter_helper_returns_scenarios():
    scens = random_encounters(4, seed=3, encounters=["crossing-give-way"], planner="keep-course")
    assert len(scens) == 4
    assert all(s.ships[0].planner == "keep-course" for s in scens)


BASE = '[sweep]\nid = "x"\nseed = 1\n[generator]\nkind = "grid"\nencounter = "head-on"\n'


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (BASE + "bogus = 1\n", "generator.bogus"),
        (BASE.replace('"head-on"', '"sideways"'), "generator.encounter"),
        (BASE + "bearing_deg = [0]\ncourse_deg = [180]\n", "generator.course_deg"),
        (BASE + "tcpa_min = {min = 5, max = 10}\n", "generator.tcpa_min"),
        (BASE + "tcpa_min = {min = 10, max = 5, n = 2}\n", "generator.tcpa_min"),
        (BASE + "speed_ratio = [-1]\n", "generator.speed_ratio"),
        (BASE.replace("seed = 1", 'seed = "one"'), "sweep.seed"),
        (BASE + "[own]\nspeed_kn = 99\n", "own.speed_kn"),
        (BASE + '[own]\nmodel = "no-such-ship"\n', "own.model"),
        (BASE.replace('kind = "grid"', 'kind = "random"'), "generator.samples"),
        ('[sweep]\nid = "x"\nseed = 1\n[generator]\nkind = "grid"\n', "generator.encounter"),
        (BASE + "[scenario]\ndt_s = 2.0\nplanner_period_s = 5.0\n", "scenario.planner_period_s"),
        (BASE + "[extra]\n", "extra"),
        (
            '[sweep]\nid = "x"\nseed = 1\n[own]\nspeed_kn = 5\n[generator]\nkind = "files"\n'
            'paths = ["."]\n',
            "own",
        ),
    ],
)
def test_bad_sweep_files_are_one_line_errors_naming_the_key(text, field):
    with pytest.raises(AutoshipError) as ei:
        parse_sweep(text, Path("bad.toml"))
    assert ei.value.field == field
    assert ei.value.file == "bad.toml"
    assert "\n" not in ei.value.one_line()
