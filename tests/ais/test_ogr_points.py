"""AIS positions from OGR point layers (GeoPackage, shapefile): the geometry is the position
(reprojected from the layer's CRS), the columns those of a known CSV layout."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autoship.ais import read_ais

pyogrio = pytest.importorskip("pyogrio")
shapely = pytest.importorskip("shapely")
pyproj = pytest.importorskip("pyproj")

LON = np.array([-1.10, -1.1001, -1.1002, -1.2])
LAT = np.array([50.80, 50.8005, 50.8010, 50.7])


def _write(path, x, y, fields, names, crs, driver):
    geom = shapely.to_wkb(np.array([shapely.Point(a, b) for a, b in zip(x, y, strict=True)]))
    pyogrio.raw.write(str(path), geometry=geom, field_data=fields, fields=names,
                      geometry_type="Point", crs=crs, driver=driver)  # fmt: skip


def test_marinecadastre_geopackage(tmp_path):
    t = np.array(["2023-01-01T00:00:00", "2023-01-01T00:00:10", "2023-01-01T00:00:20",
                  "2023-01-01T00:00:00"], dtype="datetime64[ms]")  # fmt: skip
    fields = [np.array([235000001] * 3 + [235000002]), t, np.array([10.0, 10.1, 10.2, 5.0]),
              np.array([0.0, 1.0, 2.0, 90.0]), np.array([0, 1, 2, 90])]  # fmt: skip
    path = tmp_path / "mc.gpkg"
    _write(path, LON, LAT, fields, ["MMSI", "BaseDateTime", "SOG", "COG", "Heading"],
           "EPSG:4326", "GPKG")  # fmt: skip
    d = read_ais(path)
    p = d.positions
    assert d.summary.layout.startswith("marinecadastre")
    assert sorted(set(p.mmsi.tolist())) == [235000001, 235000002]
    np.testing.assert_allclose(p.lat_deg, LAT)
    np.testing.assert_allclose(p.lon_deg, LON)
    assert p.t[1] - p.t[0] == pytest.approx(10.0)
    assert p.sog[2] == pytest.approx(10.2 * 1852.0 / 3600.0)
    assert p.cog[3] == pytest.approx(math.radians(90.0))


def test_projected_shapefile_is_reprojected(tmp_path):
    # The same positions in UTM zone 30N (metres), in a shapefile with the NTNU-like columns of
    # the stonesoup layout.
    tf = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32630", always_xy=True)
    x, y = tf.transform(LON, LAT)
    fields = [np.array(["2016-01-12T13:02:11", "2016-01-12T13:02:21", "2016-01-12T13:02:31",
                        "2016-01-12T13:02:11"]),
              np.array([232000001] * 3 + [232000002]), np.array([0.0, 1.0, 2.0, 90.0]),
              np.array([8.0, 8.0, 8.0, 4.0])]  # fmt: skip
    path = tmp_path / "tracks.shp"
    _write(path, x, y, fields, ["Time", "MMSI", "COG_deg", "SOG_kn"], "EPSG:32630",
           "ESRI Shapefile")  # fmt: skip
    with pytest.raises(Exception, match="no point layer has the columns"):
        read_ais(path)  # shapefile names are cut to 10 characters: no layout matches
    # with stonesoup's full names it reads, and the positions come back in degrees
    path2 = tmp_path / "tracks.gpkg"
    _write(path2, x, y, fields, ["Time", "MMSI", "COG_degrees", "SOG_knots"], "EPSG:32630",
           "GPKG")  # fmt: skip
    d = read_ais(path2)
    np.testing.assert_allclose(d.positions.lat_deg, LAT, atol=1e-7)
    np.testing.assert_allclose(d.positions.lon_deg, LON, atol=1e-7)
