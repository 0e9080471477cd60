"""Every reproducer of issue 17, each a one-line edit of a bundled file: a one-line error (exit 2,
naming the user's file and key) or a correct, explained result."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from .engine import ROOT, absolutize_paths, nmea_checksum, run_cli

IMAZU = ROOT / "scenarios/imazu/imazu-01.toml"
COAST = ROOT / "scenarios/planner/charts/synthetic-coast.geojson"
NMEA = ROOT / "tests/data/ais/ais-nmea.log"
CSV = ROOT / "tests/data/ais/SolentAIS_20160112_130211.csv"


def _error(argv: list[str]) -> str:
    """Run the CLI; assert the one-line exit-2 form and return the line."""
    out = run_cli(argv)
    assert out.kind == "clean", (out.kind, out.detail, out.err)
    return out.err.strip()


def _scenario(tmp_path: Path, edit) -> Path:
    p = tmp_path / "s.toml"
    p.write_text(edit(absolutize_paths(IMAZU.read_text(), IMAZU.parent)))
    return p


def _sub(pattern: str, repl: str):
    def edit(text: str) -> str:
        new, n = re.subn(pattern, lambda _m: repl, text, count=1, flags=re.M)
        assert n == 1, pattern
        return new

    return edit


# --------------------------------------------------------------------------- tracebacks


def test_deeply_nested_toml_array(tmp_path):
    p = _scenario(
        tmp_path, _sub(r"^known_issues = \[\]", "known_issues = " + "[" * 5000 + "]" * 5000)
    )
    line = _error(["scenario", "check", str(p)])
    assert str(p) in line and "nested deeper" in line


@pytest.mark.parametrize("key", ["chart", "model", "track"])
def test_nul_byte_in_a_path(tmp_path, key):
    if key == "chart":
        edit = _sub(r"^\[frame\]", '[chart]\npath = "a\\u0000b.geojson"\n\n[frame]')
    elif key == "model":
        edit = _sub(r'^model = "kvlcc2"', 'model = "a\\u0000b.toml"')
    else:
        edit = _sub(r'^model = "kvlcc2"', 'model = "kvlcc2"\ntrack = "a\\u0000.csv"')
    line = _error(["scenario", "check", str(_scenario(tmp_path, edit))])
    assert "control character" in line


def test_nul_byte_in_a_command_line_path():
    assert "NUL" in _error(["ais", "info", "a\x00b.nmea"])
    assert "NUL" in _error(["chart", "info", "a\x00b.geojson"])
    assert "control character" in _error(["scenario", "check", "a\x00b.toml"])


def test_ship_model_path_that_is_a_folder_or_not_utf8(tmp_path):
    (tmp_path / "dir.toml").mkdir()
    p = _scenario(tmp_path, _sub(r'^model = "kvlcc2"', f'model = "{tmp_path}/dir.toml"'))
    assert "is a folder" in _error(["scenario", "check", str(p)])
    (tmp_path / "bin.toml").write_bytes(b'[ship]\nname = "\xff\xfe"\n')
    p = _scenario(tmp_path, _sub(r'^model = "kvlcc2"', f'model = "{tmp_path}/bin.toml"'))
    line = _error(["scenario", "check", str(p)])
    assert "not UTF-8" in line and "ship.os.model" in line


@pytest.mark.parametrize("dt", ["5e-324", "1e-9"])
def test_tiny_time_step(tmp_path, dt):
    p = _scenario(tmp_path, _sub(r"^dt_s = .*$", f"dt_s = {dt}"))
    line = _error(["scenario", "check", str(p)])
    assert "scenario.dt_s" in line and str(p) in line


def test_corrupt_gzip(tmp_path):
    z = bytearray(gzip.compress(NMEA.read_bytes()))
    z[len(z) // 2 : len(z) // 2 + 8] = b"\x00" * 8
    p = tmp_path / "a.nmea.gz"
    p.write_bytes(bytes(z))
    assert "cannot read" in _error(["ais", "info", str(p)])
    c = tmp_path / "a.csv.gz"
    zc = bytearray(gzip.compress(CSV.read_bytes()[:20000]))
    zc[len(zc) // 2 : len(zc) // 2 + 8] = b"\x00" * 8
    c.write_bytes(bytes(zc))
    assert "cannot read" in _error(["ais", "info", str(c)])


def _info(path: Path) -> dict:
    out = run_cli(["ais", "info", str(path), "--json"])
    assert out.kind == "accepted", (out.kind, out.detail, out.err)
    return json.loads(out.out)


def _tagged(sentence: str, t: str) -> str:
    tag = f"c:{t}"
    return f"\\{tag}*{nmea_checksum(tag.encode()).decode()}\\{sentence}"


@pytest.mark.parametrize("t", ["33658000000000", "1e15", "inf", "0", "10000000000", "-5"])
def test_ais_time_out_of_range_in_tag_blocks_is_dropped_and_counted(tmp_path, t):
    first = next(ln for ln in NMEA.read_text().splitlines() if ln.startswith("!AIVDM,1,1"))
    p = tmp_path / "a.nmea"
    p.write_text(_tagged(first, t) + "\n" + _tagged(first, "1453000000") + "\n")
    doc = _info(p)
    assert doc["drops"].get("bad_time", 0) + doc["drops"].get("bad_tag_block", 0) == 1
    assert doc["position_reports"] == 1 and doc["time_span"]["start"].startswith("2016")


def _csv(tmp_path: Path, row_edit) -> Path:
    lines = CSV.read_text().splitlines()[:6]
    header = lines[0].lower().split(",")
    cells = lines[1].split(",")
    row_edit(header, cells)
    p = tmp_path / "a.csv"
    p.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n")
    return p


@pytest.mark.parametrize(
    "value", ["2286-01-01T00:00:00", "33658-01-01T00:00:00", "1970-01-01T00:00:00", "inf"]
)
def test_ais_csv_time_out_of_range_is_dropped(tmp_path, value):
    p = _csv(tmp_path, lambda h, c: c.__setitem__(h.index("time"), value))
    doc = _info(p)
    assert doc["drops"] == {"bad_time": 1} and doc["position_reports"] == 4


@pytest.mark.parametrize(
    "value",
    [
        "\u0662\u0663\u0665\u0660\u0660\u0660\u0660\u0660\u0660",
        "9" * 5000,
        "0.5",
        "235000000.5",
        "1000000000",
    ],
)
def test_ais_csv_bad_mmsi_is_dropped_never_truncated(tmp_path, value):
    p = _csv(tmp_path, lambda h, c: c.__setitem__(h.index("mmsi"), value))
    doc = _info(p)
    assert doc["drops"] == {"bad_mmsi": 1} and doc["position_reports"] == 4


def test_ais_csv_unicode_or_huge_number_in_a_number_column(tmp_path):
    p = _csv(tmp_path, lambda h, c: c.__setitem__(h.index("sog_knots"), "\u0661\u0662"))
    assert _info(p)["drops"] == {"bad_number": 1}
    p = _csv(tmp_path, lambda h, c: c.__setitem__(h.index("sog_knots"), "9" * 5000))
    assert _info(p)["drops"] == {"bad_number": 1}


def test_nmea_and_csv_share_the_mmsi_range(tmp_path):
    from pyais.encode import encode_dict

    line = encode_dict({"type": 1, "mmsi": 1_000_000_000, "lat": 50.0, "lon": -1.0})[0]
    p = tmp_path / "a.nmea"
    p.write_text(_tagged(line, "1453000000") + "\n")
    assert _info(p)["drops"] == {"bad_mmsi": 1}


def test_ais_extract_writes_only_scenarios_scenario_check_accepts(tmp_path):
    from autoship.ais.records import ReadSummary, ShipInfo, check_dimensions

    ships = {1: ShipInfo(mmsi=1, length_m=600.0, beam_m=40.0, draught_m=12.0)}
    s = ReadSummary(source="x")
    check_dimensions(ships, s)
    assert ships[1].length_m is None and s.ignored["implausible_dimensions"] == 1
    out = run_cli(["ais", "extract", str(CSV), "--out", str(tmp_path / "ex"), "--limit", "5"])
    assert out.kind == "accepted", out.detail
    assert run_cli(["scenario", "check", str(tmp_path / "ex")]).code == 0


# --------------------------------------------------------------------------- GeoJSON


def _chart(tmp_path: Path, edit) -> Path:
    doc = json.loads(COAST.read_text())
    edit(doc)
    p = tmp_path / "c.geojson"
    p.write_text(json.dumps(doc))
    return p


def _ring(doc) -> list:
    return doc["features"][0]["geometry"]["coordinates"][0]


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda d: _ring(d).__setitem__(3, None), "must be [lon, lat]"),
        (lambda d: _ring(d)[3].__setitem__(0, "x"), "not a finite number"),
        (lambda d: _ring(d)[3].__setitem__(0, 200.0), "outside lon"),
        (lambda d: _ring(d)[3].__setitem__(1, float("nan")), "NaN"),
        (lambda d: _ring(d).pop(), "not closed"),
        (lambda d: d["crs"]["properties"].__setitem__("name", "urn:x:unknown"), "unknown CRS"),
        (
            lambda d: d["features"].append(
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {"type": "LineString", "coordinates": [[-29.9, 45.0]]},
                }
            ),
            "at least 2 positions",
        ),
    ],
)
def test_geojson_bad_geometry_is_an_error_naming_the_vertex(tmp_path, edit, words):
    p = _chart(tmp_path, edit)
    line = _error(["chart", "info", str(p)])
    assert str(p) in line and words in line


def test_geojson_null_geometry_is_dropped_with_a_count(tmp_path):
    p = _chart(
        tmp_path,
        lambda d: d["features"].append({"type": "Feature", "properties": {}, "geometry": None}),
    )
    out = run_cli(["chart", "info", str(p), "--json"])
    info = json.loads(out.out)
    assert info["dropped"] == {"no_geometry": 1} and info["hazards"]["land"] == 2
    assert "dropped 1 features" in run_cli(["chart", "info", str(p)]).out


def test_scenario_with_a_broken_chart_names_the_scenario_and_chart(tmp_path):
    c = _chart(tmp_path, lambda d: _ring(d).__setitem__(3, None))
    scen = ROOT / "scenarios/planner/headland-route.toml"
    text = re.sub(r'^path = ".*"', f'path = "{c}"', scen.read_text(), flags=re.M)
    p = tmp_path / "h.toml"
    p.write_text(text)
    line = _error(["scenario", "check", str(p)])
    assert line.startswith(f"autoship: error: {p}: chart.path: {c}")


# --------------------------------------------------------------------------- silently wrong


def _sweep(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "w.toml"
    p.write_text(text)
    return p


CI_SWEEP = (ROOT / "sweeps/ci.toml").read_text()


def test_random_sweep_that_cannot_draw_its_samples_is_an_error(tmp_path):
    text = CI_SWEEP.replace("samples = 100", "samples = 12").replace(
        "n_targets = [1, 2, 3]", "n_targets = 20"
    )
    line = _error(["sweep", str(_sweep(tmp_path, text)), "--out", str(tmp_path / "o"), "--dry-run"])
    assert "generator.samples" in line and "of 12 scenarios" in line


def test_sweep_own_planner_params_checked_in_dry_run(tmp_path):
    text = CI_SWEEP.replace("speed_kn = 10.0", "speed_kn = 10.0\nplanner_params = {foo = 1}")
    line = _error(["sweep", str(_sweep(tmp_path, text)), "--out", str(tmp_path / "o"), "--dry-run"])
    assert "own.planner_params" in line and "foo" in line


def test_grid_sweep_size_is_checked_before_generating(tmp_path):
    text = (ROOT / "sweeps/dnv-grid.toml").read_text()
    text = re.sub(r"^\[generator\]", "[generator]\ndefault_points = 1000", text, flags=re.M)
    text = re.sub(
        r"^(default_points = \d+\n)((?:.|\n)*)^default_points = \d+\n", r"\1\2", text, flags=re.M
    )
    line = _error(["sweep", str(_sweep(tmp_path, text)), "--out", str(tmp_path / "o"), "--dry-run"])
    assert "runs" in line and "100000" in line


def test_scenario_check_rejects_what_run_rejects(tmp_path):
    p = _scenario(tmp_path, _sub(r'^planner = "sbmpc"', 'planner = "nope"'))
    assert "ship.os.planner: unknown planner" in _error(["scenario", "check", str(p)])
    assert "ship.os.planner: unknown planner" in _error(
        ["run", str(p), "--out", str(tmp_path / "o")]
    )
    p = _scenario(
        tmp_path, _sub(r'^planner = "sbmpc"', 'planner = "sbmpc"\nplanner_params = {foo = 1}')
    )
    assert "ship.os.planner_params.foo" in _error(["scenario", "check", str(p)])
    assert not (tmp_path / "o").exists()


def test_start_far_from_origin_or_tiny_beam(tmp_path):
    p = _scenario(
        tmp_path, _sub(r"^start = \{.*\}$", "start = { north_m = 15000000.0, east_m = 0.0 }")
    )
    assert ".start" in _error(["scenario", "check", str(p)])
    p = _scenario(tmp_path, _sub(r'^model = "kvlcc2"', 'model = "kvlcc2"\nbeam_m = 1e-9'))
    assert "ship.os.beam_m" in _error(["scenario", "check", str(p)])


def test_a_ship_model_that_diverges_or_cannot_be_built_is_rejected_before_running(
    tmp_path, monkeypatch
):
    import numpy as np

    from autoship.dynamics import Fleet
    from autoship.errors import ShipModelError

    p = _scenario(tmp_path, lambda t: t)

    def diverge(self, C, dt, env):
        self.X[:] = np.nan

    monkeypatch.setattr(Fleet, "step", diverge)
    line = _error(["scenario", "check", str(p)])
    assert "ship.os.model" in line and "diverges" in line
    assert "diverges" in _error(["run", str(p), "--out", str(tmp_path / "o")])

    def no_fit(self, defs, X0):
        raise ShipModelError("rudder step gave no steady starboard turn")

    monkeypatch.setattr(Fleet, "__init__", no_fit)
    line = _error(["scenario", "check", str(p)])
    assert "ship.os.model" in line and "no steady starboard turn" in line
