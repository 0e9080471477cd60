"""The strict loader: valid files load; each malformed file gives one error naming file and key."""

import math
from pathlib import Path

import pytest

from autoship.errors import ScenarioError
from autoship.scenario import find_scenarios, load_scenario, parse_scenario
from autoship.units import KNOT

ROOT = Path(__file__).resolve().parents[2]

GOOD = """
[scenario]
id = "t-01"
title = "test"
source = "unit test"
seed = 3
duration_s = 600.0
dt_s = 1.0
planner_period_s = 5.0
visibility = "good"

[frame]
origin_lat_deg = 45.0
origin_lon_deg = -30.0

[[ship]]
id = "os"
role = "own"
model = "generic-cargo"
start = { north_m = 0.0, east_m = 0.0 }
course_deg = 0.0
speed_kn = 12.0
goal = { north_m = 5000.0, east_m = 0.0 }

[[ship]]
id = "ts"
role = "target"
model = "generic-cargo"
start = { lat_deg = 45.05, lon_deg = -30.0 }
course_deg = 180.0
speed_kn = 10.0
"""


def test_good_scenario_loads_in_si_units():
    s = parse_scenario(GOOD, Path("good.toml"))
    assert s.id == "t-01" and s.n_ticks == 600 and s.planner_every == 5
    own, ts = s.ships
    assert own.speed == pytest.approx(12 * KNOT)
    assert ts.course == pytest.approx(math.pi)
    assert ts.start_north == pytest.approx(5559, abs=5)  # 0.05 deg of latitude at 45 N
    assert own.planner == "waypoint" and ts.planner == "keep-course"
    assert s.profile == "large-ship"


def _swap(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


BAD = [
    ("unknown section", GOOD + "\n[bogus_section]\nx = 1\n", "bogus_section", "unknown section"),
    (
        "unknown key",
        _swap('visibility = "good"', 'visibility = "good"\ncolour = 1'),
        "scenario.colour",
        "unknown key",
    ),
    ("missing key", _swap("seed = 3\n", ""), "scenario.seed", "missing"),
    ("mistyped", _swap("seed = 3", 'seed = "three"'), "scenario.seed", "integer"),
    (
        "negative length",
        _swap('role = "own"', 'role = "own"\nlength_m = -150.0'),
        "ship.os.length_m",
        "impossible",
    ),
    (
        "speed over 60 kn",
        _swap("speed_kn = 12.0", "speed_kn = 75.0"),
        "ship.os.speed_kn",
        "impossible",
    ),
    ("duplicate id", _swap('id = "ts"', 'id = "os"'), "ship.os.id", "two ships"),
    (
        "start inside another ship",
        _swap(
            "start = { lat_deg = 45.05, lon_deg = -30.0 }",
            "start = { north_m = 50.0, east_m = 5.0 }",
        ),
        "ship.ts.start",
        "inside",
    ),
    ("bad role", _swap('role = "target"', 'role = "enemy"'), "ship.ts.role", "not one of"),
    (
        "unknown model",
        _swap('model = "generic-cargo"', 'model = "titanic"'),
        "ship.os.model",
        "unknown ship",
    ),
    (
        "bad visibility",
        _swap('visibility = "good"', 'visibility = "foggy"'),
        "scenario.visibility",
        "not one of",
    ),
    (
        "dt not dividing planner period",
        _swap("planner_period_s = 5.0", "planner_period_s = 2.5"),
        "scenario.planner_period_s",
        "multiple",
    ),
    (
        "latitude out of range",
        _swap("origin_lat_deg = 45.0", "origin_lat_deg = 95.0"),
        "frame.origin_lat_deg",
        "impossible",
    ),
    (
        "start without coordinates",
        _swap("start = { north_m = 0.0, east_m = 0.0 }", "start = { x = 0.0 }"),
        "ship.os.start",
        "north_m",
    ),
    ("no own ship", _swap('role = "own"', 'role = "target"'), "ship", "own"),
    ("broken TOML", GOOD.replace("[frame]", "[frame"), "", "invalid TOML"),
    ("zero dt", _swap("dt_s = 1.0", "dt_s = 0.0"), "scenario.dt_s", "impossible"),
    (
        "missing section",
        GOOD.replace("[frame]\norigin_lat_deg = 45.0\norigin_lon_deg = -30.0\n", ""),
        "frame",
        "missing",
    ),
    (
        "beam wider than length",
        _swap('role = "own"', 'role = "own"\nlength_m = 20.0\nbeam_m = 30.0'),
        "ship.os.beam_m",
        "smaller",
    ),
    ("bad id", _swap('id = "t-01"', 'id = "t 01/x"'), "scenario.id", "identifier"),
    (
        "unknown expectation",
        GOOD + '\n[scoring]\nprofile = "large-ship"\nexpect = ["sinking"]\n',
        "scoring.expect",
        "collision, grounding",
    ),
    (
        "replay without track",
        _swap('role = "target"', 'role = "target"\nplanner = "replay"'),
        "ship.ts.planner",
        "track",
    ),
]


@pytest.mark.parametrize("name,text,key,words", BAD, ids=[b[0] for b in BAD])
def test_malformed_scenario_gives_one_line_naming_file_and_key(name, text, key, words, tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(p)
    line = info.value.one_line()
    assert "\n" not in line
    assert line.startswith(str(p))
    if key:
        assert f": {key}: " in line, line
    assert words.lower() in line.lower(), line


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(tmp_path / "nope.toml")


def test_bundled_imazu_set_loads_and_matches_the_reference_geometry():
    files = find_scenarios([ROOT / "scenarios" / "imazu"])
    assert [f.stem for f in files] == [f"imazu-{k:02d}" for k in range(1, 23)]
    for f in files:
        s = load_scenario(f)
        own = s.ships[0]
        assert own.role == "own" and own.speed == pytest.approx(12 * KNOT)
        for ts in s.ships[1:]:
            # Every target reaches the origin when the own ship does (DCPA = 0 by construction).
            d = math.hypot(ts.start_north, ts.start_east)
            assert d / ts.speed == pytest.approx(6 * 1852 / own.speed, rel=2e-3), (f, ts.id)
    dup = load_scenario(ROOT / "scenarios/imazu/imazu-08.toml")
    assert dup.provenance["known_issues"] == ["duplicate_of: 5"]
    assert dup.provenance["encoding"] == "sawada2021_table4"


@pytest.mark.parametrize(
    "chart,words", [("wrong-place", "does not cover"), ("corrupt", "not a readable")]
)
def test_chart_problems_name_the_scenario_and_its_chart_key(tmp_path, chart, words):
    from autoship.sweep.batch import chart_check

    if chart == "wrong-place":  # the Chesapeake ENC under a scenario set in the Solent
        cpath = ROOT / "charts/noaa_enc/US4MD81M/US4MD81M.000"
    else:
        cpath = tmp_path / "bad.000"
        cpath.write_bytes(b"\x00" * 100)
    text = (ROOT / "scenarios/solent-chart/head-on-central-solent.toml").read_text()
    text = text.replace(
        'path = "../../charts/solent_land/solent_land_osm.geojson"', f'path = "{cpath}"'
    )
    p = tmp_path / "s.toml"
    p.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(p, check_chart=chart_check)
    line = info.value.one_line()
    assert line.startswith(f"{p}: chart.path: ") and words in line and "\n" not in line


def test_start_utc_is_normalised_to_utc_and_must_carry_a_zone(tmp_path):
    good = GOOD.replace(
        'visibility = "good"', 'visibility = "good"\nstart_utc = "2016-01-12T14:55:01+01:00"'
    )
    assert parse_scenario(good, Path("g.toml")).start_utc == "2016-01-12T13:55:01Z"
    for bad, words in (("2016-01-12T13:55:01", "time zone"), ("yesterday", "ISO 8601")):
        text = GOOD.replace('visibility = "good"', f'visibility = "good"\nstart_utc = "{bad}"')
        with pytest.raises(ScenarioError, match=words) as info:
            parse_scenario(text, Path("b.toml"))
        assert ": scenario.start_utc: " in info.value.one_line()
