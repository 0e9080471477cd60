"""`autoship chart info|render` through its own argparse parser (the lead wires cli/main.py)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from autoship.cli import chart as chart_cli
from autoship.errors import AutoshipError, ChartError

REPO = Path(__file__).resolve().parents[2]
ENC = REPO / "charts" / "noaa_enc" / "US4MD81M" / "US4MD81M.000"
SOLENT = REPO / "charts" / "solent_land" / "solent_land_osm.geojson"


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="autoship")
    chart_cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return chart_cli.run(args)


def test_info_json_on_the_enc(capsys):
    assert _run(["chart", "info", str(ENC), "--json", "--draught-m", "9"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["format"] == "S-57"
    assert info["layers"]["LNDARE"] == 183
    assert info["layers"]["DEPARE"] == 525
    assert info["layers"]["WRECKS"] == 111
    assert info["cell"]["update"] == 3
    ex = info["extent"]
    assert (ex["lon_min"], ex["lon_max"]) == pytest.approx((-76.6223, -75.9975), abs=1e-4)
    assert (ex["lat_min"], ex["lat_max"]) == pytest.approx((38.3468, 39.0532), abs=1e-4)
    assert info["depth_range_m"] == [-0.4, 54.8]
    h = info["hazards"]
    assert h["draught_m"] == 9.0
    assert h["land"] == 183
    # DEPARE + DRGARE with DRVAL1 < 9 m.
    assert 0 < h["depth_areas"] < h["depth_areas_total"] == 532


def test_hazard_count_grows_with_draught(capsys):
    counts = []
    for d in ("2", "12"):
        _run(["chart", "info", str(ENC), "--json", "--draught-m", d])
        counts.append(json.loads(capsys.readouterr().out)["hazards"]["features"])
    assert counts[0] < counts[1]


def test_info_text_on_geojson(capsys):
    assert _run(["chart", "info", str(SOLENT)]) == 0
    out = capsys.readouterr().out
    assert "GeoJSON" in out and "solent_land_osm" in out and "76" in out


def test_render_png(tmp_path, capsys):
    out = tmp_path / "solent.png"
    assert _run(["chart", "render", str(SOLENT), "--png", str(out), "--dpi", "40"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert str(out) in capsys.readouterr().out


def test_bad_input(tmp_path):
    with pytest.raises(ChartError, match="not found"):
        _run(["chart", "info", str(tmp_path / "none.000")])
    with pytest.raises(AutoshipError, match="draught"):
        _run(["chart", "info", str(SOLENT), "--draught-m", "-3"])
    with pytest.raises(AutoshipError, match="cannot write PNG"):
        _run(["chart", "render", str(SOLENT), "--png", str(tmp_path / "no" / "x.png")])
