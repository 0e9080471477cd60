"""Writes harrow_bank_tss.geojson: the synthetic Harrow Bank traffic separation scheme.

Everything is laid out in the local frame of the scenarios that use it (origin 54.20 N,
3.00 E, north/east in metres) and written in CRS84 lon/lat, edges cut every 250 m so that the
lines stay straight in the local frame. Run: .venv/bin/python charts/tss_demo/make_tss_demo.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely

from autoship.geo import LocalFrame

FRAME = LocalFrame(54.20, 3.00)
OUT = Path(__file__).with_name("harrow_bank_tss.geojson")
STEP_M = 250.0

# Harrow Rock: a small island 7-9 km north of the scheme (east, north in metres).
ISLAND = shapely.Polygon(
    [(-3000, 7200), (-1500, 6900), (-200, 7600), (0, 8600), (-1200, 9200), (-2700, 8900)]
)
SEA = shapely.box(-20000, -15000, 20000, 15000)


def lonlat(geom) -> dict:
    g = shapely.segmentize(geom, STEP_M)

    def to_ll(xy: np.ndarray) -> np.ndarray:
        lat, lon = FRAME.to_latlon(xy[:, 1], xy[:, 0])
        return np.column_stack([np.round(lon, 7), np.round(lat, 7)])

    return json.loads(shapely.to_geojson(shapely.transform(g, to_ll)))


def feature(geom, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": lonlat(geom)}


def main() -> None:
    feats = [
        feature(SEA.difference(ISLAND), kind="depth", DRVAL1=30.0, DRVAL2=40.0, name="open sea"),
        feature(ISLAND, kind="land", name="Harrow Rock"),
        feature(
            shapely.box(-10000, 500, 10000, 2500),
            **{"class": "TSSLPT", "ORIENT": 270.0, "name": "Harrow Bank TSS westbound lane"},
        ),
        feature(
            shapely.box(-10000, -500, 10000, 500),
            **{"class": "TSEZNE", "name": "Harrow Bank TSS separation zone"},
        ),
        feature(
            shapely.box(-10000, -2500, 10000, -500),
            **{"class": "TSSLPT", "ORIENT": 90.0, "name": "Harrow Bank TSS eastbound lane"},
        ),
        feature(
            shapely.MultiLineString(
                [[(-10000, 2500), (10000, 2500)], [(-10000, -2500), (10000, -2500)]]
            ),
            **{"class": "TSSBND", "name": "Harrow Bank TSS limits"},
        ),
    ]
    doc = {"type": "FeatureCollection", "features": feats}
    OUT.write_text(json.dumps(doc, indent=None, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
