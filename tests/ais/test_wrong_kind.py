"""A file of another kind given as an AIS recording is a one-line error naming it (it was read
as NMEA, every line counted as garbage, exit 0), and an unknown CSV header stays readable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autoship.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("autoship: error: ")
    return err[0]


def test_geopackage_without_ais_columns_is_refused(tmp_path, capsys):
    pyogrio = pytest.importorskip("pyogrio")
    shapely = pytest.importorskip("shapely")
    path = tmp_path / "points.gpkg"
    geom = shapely.to_wkb(np.array([shapely.Point(-1.1, 50.8), shapely.Point(-1.2, 50.7)]))
    pyogrio.raw.write(str(path), geometry=geom, field_data=[np.array([1, 2])], fields=["mmsi"],
                      geometry_type="Point", crs="EPSG:4326", driver="GPKG")  # fmt: skip
    assert main(["ais", "info", str(path)]) == 2
    line = _one_error_line(capsys)
    assert str(path) in line and "no point layer has the columns of a known AIS layout" in line


def test_geojson_chart_is_refused_in_one_short_line(capsys):
    path = ROOT / "charts" / "solent_land" / "solent_land_osm.geojson"
    assert main(["ais", "info", str(path)]) == 2
    line = _one_error_line(capsys)
    assert "no point layer" in line and len(line) < 300


def test_pdf_is_refused(tmp_path, capsys):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n")
    assert main(["ais", "info", str(path)]) == 2
    assert "PDF document" in _one_error_line(capsys)


def test_unknown_csv_header_lists_a_few_columns(tmp_path, capsys):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"column_{k}_" + "x" * 40 for k in range(30)) + "\n1,2\n")
    assert main(["ais", "info", str(path)]) == 2
    line = _one_error_line(capsys)
    assert "unknown AIS CSV layout" in line and "(+18 more)" in line and len(line) < 700
