"""Any CSV table read with a column map (``--columns``): the Solent recording renamed and
re-delimited reads as the original does; a bad map is a one-line error naming the flag."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autoship.ais import read_ais
from autoship.ais.tables import parse_column_map
from autoship.cli.main import main
from autoship.errors import AisError

SOLENT = Path(__file__).resolve().parents[1] / "data" / "ais" / "SolentAIS_20160112_130211.csv"


def _renamed(tmp_path: Path, n: int = 3000) -> Path:
    lines = SOLENT.read_text().splitlines()[:n]
    lines[0] = "when;vessel;y;x;course;speed"
    path = tmp_path / "custom.csv"
    path.write_text("\n".join(line.replace(",", ";") for line in lines) + "\n")
    return path


def test_column_map_reads_a_renamed_table_like_the_original(tmp_path):
    cols = parse_column_map("time=when,mmsi=vessel,lat=y,lon=x,cog=course,sog=speed")
    got = read_ais(_renamed(tmp_path), cols).positions
    want_all = read_ais(SOLENT).positions
    n = got.t.size
    assert n == 2999
    for name in ("t", "mmsi", "lat_deg", "lon_deg", "sog", "cog"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want_all, name)[:n])


def test_bad_column_maps(tmp_path, capsys):
    with pytest.raises(AisError, match="must name the lon"):
        parse_column_map("time=when,mmsi=vessel,lat=y")
    with pytest.raises(AisError, match="unknown key 'speed'"):
        parse_column_map("time=a,mmsi=b,lat=c,lon=d,speed=e")
    path = _renamed(tmp_path, 10)
    rc = main(["ais", "info", str(path), "--columns", "time=when,mmsi=vessel,lat=y,lon=nope"])
    assert rc == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"autoship: error: {path}: --columns: column 'nope' of the column map is not in the header"
    )
