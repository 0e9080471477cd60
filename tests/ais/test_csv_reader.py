"""CSV layouts: the real Solent file, hand-made rows in the DMA, MarineCadastre and NTNU layouts."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from autoship.ais.source import read_ais
from autoship.ais.tables import read_csv
from autoship.errors import AisError
from autoship.units import DEG, KNOT


def test_solent_counts(solent_csv):
    d = read_ais(solent_csv)
    s = d.summary
    assert s.layout == "stonesoup"
    # Numbers from the data README: 18,623 position reports from 91 MMSIs, 13:02:11-14:26:41.
    assert len(d.positions) == 18623
    assert len(d.ships) == 91
    t0, t1 = d.time_span()
    assert t0 == pytest.approx(datetime(2016, 1, 12, 13, 2, 11, 218000, tzinfo=UTC).timestamp())
    assert t1 == pytest.approx(datetime(2016, 1, 12, 14, 26, 41, 924000, tzinfo=UTC).timestamp())
    assert s.dropped == 0
    # First data row: 235070762, 50.7730133333333, -1.092935, COG 157.8, SOG 5.9.
    p = d.positions
    assert p.mmsi[0] == 235070762
    assert p.lat_deg[0] == pytest.approx(50.7730133333333)
    assert p.cog[0] == pytest.approx(157.8 * DEG)
    assert p.sog[0] == pytest.approx(5.9 * KNOT)
    # The file has no heading column: missing, not zero.
    assert np.isnan(p.heading).all()


DMA = (
    "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,"
    "Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing "
    "device,Draught,Destination,ETA,Data source type,A,B,C,D\n"
    "01/03/2023 00:00:01,Class A,219000001,55.5,10.5,Under way using engine,0.0,12.1,45.2,44,"
    "IMO9000001,OXAB2,NORDIC TEST,Cargo,,20,120,GPS,7.5,AARHUS,,AIS,100,20,10,10\n"
    "01/03/2023 00:00:11,Class A,219000001,55.501,10.501,Under way using engine,,12.2,45.0,511,"
    "IMO9000001,OXAB2,NORDIC TEST,Cargo,,20,120,GPS,7.5,AARHUS,,AIS,100,20,10,10\n"
    "01/03/2023 00:00:12,Class B,219000002,91,181,Unknown value,,,,,Unknown,,,Pleasure,,,,"
    ",,,,AIS,,,,\n"
    "31/13/2023 00:00:12,Class B,219000002,55.4,10.4,Unknown value,,1.0,10.0,,Unknown,,,"
    "Pleasure,,,,,,,,AIS,,,,\n"
)


def test_dma_layout(tmp_path):
    f = tmp_path / "aisdk.csv"
    f.write_text(DMA)
    d = read_csv(f)
    assert d.summary.layout == "dma"
    p = d.positions
    assert len(p) == 2
    assert p.t[0] == datetime(2023, 3, 1, 0, 0, 1, tzinfo=UTC).timestamp()
    assert p.nav_status.tolist() == [0, 0]
    assert p.heading[0] == pytest.approx(44 * DEG) and math.isnan(p.heading[1])
    assert p.rot[0] == 0.0 and math.isnan(p.rot[1])
    ship = d.ships[219000001]
    assert (ship.name, ship.callsign, ship.imo) == ("NORDIC TEST", "OXAB2", 9000001)
    assert (ship.ship_type, ship.length_m, ship.beam_m, ship.draught_m) == (70, 120.0, 20.0, 7.5)
    assert ship.ais_class == "A"
    assert d.summary.drops == {"no_position": 1, "bad_time": 1}
    assert "line 4" in d.summary.examples[0] and "line 5" in d.summary.examples[1]


def test_marinecadastre_layout(tmp_path):
    f = tmp_path / "AIS_2023_01_01.csv"
    f.write_text(
        "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
        "Length,Width,Draft,Cargo,TransceiverClass\n"
        "367000001,2023-01-01T00:00:00,29.9,-90.1,8.5,270.0,511.0,TEST TUG,IMO0000000,WDA1,52,"
        "0,25.0,9.0,3.2,52,A\n"
        "367000001,2023-01-01T00:00:10,29.9,-90.1005,102.3,360.0,268.0,TEST TUG,,WDA1,52,0,"
        "25.0,9.0,3.2,52,A\n"
    )
    d = read_ais(f)
    assert d.summary.layout == "marinecadastre"
    p = d.positions
    assert math.isnan(p.heading[0]) and p.heading[1] == pytest.approx(268 * DEG)
    assert math.isnan(p.sog[1]) and math.isnan(p.cog[1])
    ship = d.ships[367000001]
    assert ship.ship_type == 52 and ship.imo is None and ship.length_m == 25.0


def test_ntnu_semicolon_layout(tmp_path):
    f = tmp_path / "ais.csv"
    f.write_text(
        "mmsi;date_time_utc;sog;cog;true_heading;nav_status;calc_speed;lon;lat\n"
        "257000001;2020-05-01 10:00:00;10.0;180.0;181;0;10.1;10.40;63.40\n"
        "257000001;2020-05-01 10:00:10;10.0;180.0;181;0;10.1;10.40;63.3995\n"
        "257000001;2020-05-01 10:00:20;x;180.0;181;0;10.1;10.40;63.399\n"
    )
    d = read_ais(f)
    assert d.summary.layout == "ntnu"
    assert len(d.positions) == 2
    assert d.summary.drops == {"bad_number": 1}
    assert d.positions.heading[0] == pytest.approx(181 * DEG)


def test_unknown_layout_names_columns(tmp_path):
    f = tmp_path / "odd.csv"
    f.write_text("when,who,y,x\n2020-01-01,1,2,3\n")
    with pytest.raises(AisError, match="columns found: when, who, x, y") as err:
        read_ais(f)
    assert err.value.file == str(f) and err.value.field == "header"


def test_short_rows_counted(tmp_path):
    f = tmp_path / "cut.csv"
    f.write_text(
        "Time,MMSI,Latitude_degrees,Longitude_degrees,COG_degrees,SOG_knots\n"
        "2016-01-12 13:02:11.218,235070762,50.77,-1.09,157.8,5.9\n"
        "2016-01-12 13:02:12.218,235070762,50.77\n"
    )
    d = read_ais(f)
    assert len(d.positions) == 1 and d.summary.drops["bad_number"] == 1


def test_dma_header_with_hash_is_csv_and_gzip_csv(tmp_path, solent_csv):
    import gzip

    f = tmp_path / "aisdk.csv"
    f.write_text(DMA)
    # The DMA header starts with '#', which is also an NMEA comment: still read as CSV.
    assert read_ais(f).summary.layout == "dma"
    gz = tmp_path / "solent.csv.gz"
    gz.write_bytes(gzip.compress(solent_csv.read_bytes()))
    d = read_ais(gz)
    assert d.summary.layout == "stonesoup" and len(d.positions) == 18623


def test_time_zone_suffixes(tmp_path):
    f = tmp_path / "tz.csv"
    f.write_text(
        "mmsi;date_time_utc;sog;cog;true_heading;nav_status;calc_speed;lon;lat\n"
        "257000001;2020-05-01T10:00:00Z;10.0;180.0;181;0;10.1;10.40;63.40\n"
        "257000001;2020-05-01T10:00:10+00:00;10.0;180.0;181;0;10.1;10.40;63.3995\n"
        "257000001;2020-05-01T12:00:20+02:00;10.0;180.0;181;0;10.1;10.40;63.399\n"
        "257000001;yesterday;10.0;180.0;181;0;10.1;10.40;63.399\n"
    )
    d = read_ais(f)
    t0 = datetime(2020, 5, 1, 10, 0, 0, tzinfo=UTC).timestamp()
    assert d.positions.t.tolist() == [t0, t0 + 10.0, t0 + 20.0]
    assert d.summary.drops == {"bad_time": 1}
