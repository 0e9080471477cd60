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


def test_parquet_marinecadastre_and_column_map(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    want = read_ais(SOLENT).positions
    n = 500
    ts = (want.t[:n] * 1000).astype("datetime64[ms]")
    table = pa.table(
        {
            "MMSI": want.mmsi[:n].astype(np.int64),
            "BaseDateTime": pa.array(ts, type=pa.timestamp("ms", tz="UTC")),
            "LAT": want.lat_deg[:n],
            "LON": want.lon_deg[:n],
            "SOG": want.sog[:n] / (1852.0 / 3600.0),
            "COG": np.degrees(want.cog[:n]),
        }
    )
    path = tmp_path / "ais.parquet"
    pq.write_table(table, path)
    got = read_ais(path).positions  # MarineCadastre's column names: no map needed
    np.testing.assert_allclose(got.t, want.t[:n], atol=1e-3)
    np.testing.assert_array_equal(got.mmsi, want.mmsi[:n])
    np.testing.assert_allclose(got.lat_deg, want.lat_deg[:n])
    np.testing.assert_allclose(got.sog, want.sog[:n], rtol=1e-6)
    # the same table renamed, read through a column map
    renamed = table.rename_columns(["id", "when", "y", "x", "kn", "deg"])
    path2 = tmp_path / "renamed.parquet"
    pq.write_table(renamed, path2)
    cols = parse_column_map("time=when,mmsi=id,lat=y,lon=x,sog=kn,cog=deg")
    got2 = read_ais(path2, cols).positions
    np.testing.assert_allclose(got2.lon_deg, want.lon_deg[:n])
    with pytest.raises(AisError, match="unknown AIS table layout"):
        read_ais(path2)
