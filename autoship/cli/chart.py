"""`autoship chart info|render FILE`: what is in a chart, and a quick picture of it."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from autoship.errors import AutoshipError, ChartError

DEFAULT_DRAUGHT_M = 5.0


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "chart",
        help="inspect or render a chart (S-57 .000 cell or GeoJSON/vector file)",
        description="Inspect or render a chart: an S-57 ENC cell (.000, updates .001... applied) "
        "or any vector file with a CRS (GeoJSON, GeoPackage, shapefile).",
    )
    sub = p.add_subparsers(dest="chart_command", required=True, metavar="{info,render}")
    info = sub.add_parser("info", help="layers, feature counts, extent, depths, hazards")
    info.add_argument("file", metavar="FILE")
    info.add_argument("--json", action="store_true", help="print JSON instead of text")
    _common(info)
    render = sub.add_parser("render", help="draw land, depth shading and hazards into a PNG")
    render.add_argument("file", metavar="FILE")
    render.add_argument("--png", required=True, metavar="OUT", help="output PNG path")
    render.add_argument("--dpi", type=int, default=150)
    _common(render)
    p.set_defaults(func=run)
    return p


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--draught-m",
        type=float,
        default=DEFAULT_DRAUGHT_M,
        help=f"ship draught for the hazard count/overlay (default {DEFAULT_DRAUGHT_M:g})",
    )
    p.add_argument("--ukc-m", type=float, default=0.0, help="under-keel clearance (default 0)")


def _check_args(args) -> None:
    for name in ("draught_m", "ukc_m"):
        v = getattr(args, name)
        if not (math.isfinite(v) and v >= 0.0):
            raise AutoshipError(
                f"must be a finite number >= 0, got {v}",
                field="--" + name[:-2].replace("_", "-") + "-m",
            )


def _load(path: str):
    from autoship.charts import load_chart
    from autoship.charts.readers import check_geojson, is_geojson, probe_centre_latlon
    from autoship.geo import LocalFrame

    p = Path(path)
    if "\x00" in path:
        raise ChartError("path contains a NUL character", file=repr(path))
    if p.is_file() and is_geojson(p):
        check_geojson(p)  # bad vertices would otherwise surface as a bad frame centre below
    lat, lon = probe_centre_latlon(p)
    try:
        frame = LocalFrame(lat, lon)
    except AutoshipError as exc:  # the frame comes from this file's extent: name the file
        raise ChartError(f"chart centre: {exc.message}", file=path, field=exc.field) from None
    return load_chart(p, frame), frame


def chart_info(path: str, draught_m: float, ukc_m: float) -> dict:
    """The facts `chart info` shows, as a JSON-ready dict."""
    import warnings

    import shapely

    from autoship.charts.readers import all_layer_counts

    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        chart, frame = _load(path)
    hz = chart.hazards(draught_m, ukc_m)
    mask = chart.hazard_mask(draught_m, ukc_m)
    d = chart.data
    lon0, lat0, lon1, lat1 = chart.extent_lonlat
    e0, n0, e1, n1 = shapely.bounds(chart.coverage)
    cov_lat, cov_lon = frame.to_latlon(np.array([n0, n1, n0, n1]), np.array([e0, e0, e1, e1]))
    depth = chart.depth_range_m()
    n_land = len(d.land) + len(d.land_points)
    n_hazard_features = (
        n_land + len(d.unsurveyed) + int(mask["depth"].sum()) + int(mask["obstruction"].sum())
    )
    return {
        "file": str(path),
        "format": chart.format,
        "cell": chart.metadata or None,
        "layers": all_layer_counts(Path(path)),
        "extent": {
            "lat_min": round(lat0, 6),
            "lat_max": round(lat1, 6),
            "lon_min": round(lon0, 6),
            "lon_max": round(lon1, 6),
        },
        "coverage_bbox": {
            "lat_min": round(float(cov_lat.min()), 6),
            "lat_max": round(float(cov_lat.max()), 6),
            "lon_min": round(float(cov_lon.min()), 6),
            "lon_max": round(float(cov_lon.max()), 6),
        },
        "depth_range_m": None if depth is None else [depth[0], depth[1]],
        "point_hazard_radius_m": chart.point_radius_m,
        "hazards": {
            "draught_m": draught_m,
            "under_keel_clearance_m": ukc_m,
            "features": n_hazard_features,
            "land": n_land,
            "depth_areas": int(mask["depth"].sum()),
            "depth_areas_total": len(d.depth_polys),
            "obstructions": int(mask["obstruction"].sum()),
            "obstructions_total": len(d.obstructions),
            "merged_polygons": hz.n_polygons,
            "area_km2": round(float(hz.geometry.area) / 1e6, 3),
        },
        "warnings": chart.warnings,
        "dropped": dict(chart.data.dropped),
    }


def _print_info(info: dict) -> None:
    print(f"{info['file']}  ({info['format']})")
    cell = info.get("cell")
    if cell:
        print(
            f"  cell {cell['cell']} edition {cell['edition']} update {cell['update']} "
            f"({cell['update_date']}, issued {cell['issue_date']}), "
            f"scale 1:{cell['compilation_scale']}"
        )
    ex = info["extent"]
    print(
        f"  extent lat {ex['lat_min']:.4f} .. {ex['lat_max']:.4f}, "
        f"lon {ex['lon_min']:.4f} .. {ex['lon_max']:.4f}"
    )
    dr = info["depth_range_m"]
    print("  depth range " + ("none" if dr is None else f"{dr[0]:g} .. {dr[1]:g} m"))
    h = info["hazards"]
    print(
        f"  hazards at draught {h['draught_m']:g} m + ukc {h['under_keel_clearance_m']:g} m: "
        f"{h['features']} features ({h['land']} land, {h['depth_areas']}/"
        f"{h['depth_areas_total']} depth areas, {h['obstructions']}/{h['obstructions_total']} "
        f"obstructions), {h['merged_polygons']} merged polygons, {h['area_km2']:g} km2"
    )
    print("  layers:")
    for name, n in info["layers"].items():
        print(f"    {name:10s} {n:6d}")
    if info["dropped"]:
        print(
            f"  dropped {sum(info['dropped'].values())} features: "
            + ", ".join(f"{k} {v}" for k, v in info["dropped"].items())
        )
    for w in info["warnings"]:
        print(f"  warning: {w}")


def render_png(path: str, out: str, draught_m: float, ukc_m: float, dpi: int = 150) -> None:
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import shapely
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        chart, frame = _load(path)
    hz = chart.hazards(draught_m, ukc_m)
    d = chart.data

    def patch(geom, **kw):
        verts, codes = [], []
        for poly in shapely.get_parts(geom):
            if shapely.get_type_id(poly) != 3:
                continue
            for ring in [poly.exterior, *poly.interiors]:
                c = np.asarray(ring.coords)[:, :2] / 1000.0
                verts.append(c)
                codes.append(
                    [MplPath.MOVETO] + [MplPath.LINETO] * (len(c) - 2) + [MplPath.CLOSEPOLY]
                )
        if not verts:
            return None
        return PathPatch(MplPath(np.concatenate(verts), np.concatenate(codes)), **kw)

    fig, ax = plt.subplots(figsize=(8, 9))
    cmap = plt.get_cmap("Blues")
    finite = d.depth_min_m[np.isfinite(d.depth_min_m)]
    dmax = max(float(finite.max()) if finite.size else 1.0, 1.0)
    for k, g in enumerate(d.depth_polys):
        v = d.depth_min_m[k]
        colour = cmap(0.15 + 0.75 * min(max(v, 0.0), dmax) / dmax) if math.isfinite(v) else "0.8"
        p = patch(g, facecolor=colour, edgecolor="none")
        if p is not None:
            ax.add_patch(p)
    p = patch(
        shapely.union_all(d.land) if len(d.land) else shapely.Polygon(),
        facecolor="#d9c9a3",
        edgecolor="#8a7a55",
        linewidth=0.3,
    )
    if p is not None:
        ax.add_patch(p)
    p = patch(
        hz.geometry, facecolor="none", edgecolor="red", linewidth=0.6, hatch="////", alpha=0.6
    )
    if p is not None:
        ax.add_patch(p)
    pts = [g for g in d.obstructions if shapely.get_type_id(g) in (0, 4)]
    if pts:
        xy = shapely.get_coordinates(np.array(pts, dtype=object)) / 1000.0
        ax.plot(xy[:, 0], xy[:, 1], "k.", markersize=1.5)
    e0, n0, e1, n1 = shapely.bounds(chart.coverage)
    ax.set_xlim(e0 / 1000.0, e1 / 1000.0)
    ax.set_ylim(n0 / 1000.0, n1 / 1000.0)
    ax.set_aspect("equal")
    ax.set_xlabel(f"east km (origin {frame.origin_lat_deg:.4f}, {frame.origin_lon_deg:.4f})")
    ax.set_ylabel("north km")
    ax.set_title(
        f"{Path(path).name}: hazards (red) at draught {draught_m:g} m + ukc {ukc_m:g} m\n"
        "not for navigation",
        fontsize=9,
    )
    fig.tight_layout()
    out_path = Path(out)
    try:
        fig.savefig(out_path, dpi=dpi)
    except OSError as exc:
        raise AutoshipError(f"cannot write PNG ({exc.strerror})", file=str(out_path)) from None
    finally:
        plt.close(fig)


def run(args) -> int:
    _check_args(args)
    if args.chart_command == "info":
        info = chart_info(args.file, args.draught_m, args.ukc_m)
        if args.json:
            print(json.dumps(info, indent=2))
        else:
            _print_info(info)
        return 0
    if args.chart_command == "render":
        render_png(args.file, args.png, args.draught_m, args.ukc_m, args.dpi)
        print(f"wrote {args.png}")
        return 0
    raise ChartError(f"unknown chart command {args.chart_command!r}")
