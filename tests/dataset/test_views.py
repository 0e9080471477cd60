"""Sensor views: returns where geometry puts them, and view shards aligned with the steps."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from autoship.dataset import build_dataset, parse_spec
from autoship.dataset.parquet import read_table
from autoship.dataset.views import BirdseyeParams, RadarParams, birdseye_image, radar_image
from tests.dataset.conftest import tiny_text, tree_bytes

P = RadarParams()  # 6 nm over 128 range cells (86.8 m), 256 bearings (1.41 deg)
DR = P.range_m / P.n_ranges
DB = 2.0 * math.pi / P.n_bearings


def _ships(north, east, heading=0.0, length=100.0):
    n = len(north)
    return {
        "north": np.asarray(north, dtype=float),
        "east": np.asarray(east, dtype=float),
        "heading": np.full(n, heading),
        "length": np.full(n, length),
        "beam": np.full(n, 16.0),
        "draught": np.full(n, 6.0),
    }


def _coast(n, e):
    """Land north of 6000 m (signed distance to the coastline, <= 0 on land)."""
    return 6000.0 - np.asarray(n)


def test_radar_ship_return_at_its_range_and_bearing():
    # A ship 4 km away, 60 deg to starboard of the own heading (own heading 30 deg true).
    r, rel = 4000.0, math.radians(60.0)
    true = math.radians(30.0) + rel
    img = radar_image(
        (0.0, 0.0, math.radians(30.0)),
        _ships([r * math.cos(true)], [r * math.sin(true)]),
        None,
        P,
        np.random.default_rng(1),
    )
    b, k = np.unravel_index(np.argmax(img[:, 40:]), img[:, 40:].shape)  # beyond sea clutter
    assert abs(b - rel / DB) <= 2
    assert abs(k + 40 - r / DR) <= 2
    assert img[b, k + 40] > 200


def test_radar_coast_returns_and_shadow():
    # Own ship at the origin heading north, a ship 1 km behind the coast (hidden) and one in
    # open water at the same range to the south.
    ships = _ships([7000.0, -7000.0], [0.0, 0.0])
    img = radar_image((0.0, 0.0, 0.0), ships, _coast, P, np.random.default_rng(2)).astype(float)
    coast = int(6000.0 / DR)
    ahead = img[0]
    # The coast face returns strongly; behind it only noise speckle.
    assert ahead[coast : coast + 3].mean() > 60
    assert ahead[coast + 4 :].mean() < 15
    behind = int(7000.0 / DR)
    assert img[0, behind] < 60  # the ship behind the coast is hidden
    astern = P.n_bearings // 2
    assert img[astern - 1 : astern + 2, behind - 1 : behind + 2].max() > 100
    # Abeam (east) there is no land within range: no coast returns along that bearing.
    abeam = P.n_bearings // 4
    assert img[abeam, 40:].mean() < 15


def test_birdseye_heading_up():
    bp = BirdseyeParams()
    cell = 2.0 * bp.half_width_m / bp.size
    # Own ship heading east: a ship 3 km north of it is on its port beam (left of centre).
    img = birdseye_image(
        (0.0, 0.0, math.pi / 2.0),
        _ships([3000.0], [0.0]),
        [(np.array([0.0]), np.array([0.0]))],
        lambda n, e: 4000.0 - np.asarray(n),
        bp,
    )
    rows, cols = np.nonzero(img[1])
    assert abs(rows.mean() - (bp.size / 2 - 0.5)) < 1.0
    assert abs(cols.mean() - (bp.size / 2 - 3000.0 / cell)) < 1.5
    # Land from 4 km north: the columns more than 4 km to port, and only those.
    land_cols = np.nonzero(img[0].any(axis=0))[0]
    edge = bp.size / 2 - 4000.0 / cell
    assert land_cols.size and abs(land_cols.max() + 1 - edge) <= 1.0 and land_cols.min() == 0
    assert img[2][bp.size // 2, bp.size // 2] == 255  # own track at the centre


def test_view_shards_align_with_steps(tmp_path: Path):
    text = tiny_text(samples=1) + (
        "\n[views]\nbirdseye = true\nradar = true\nradar_ranges = 64\nais = true\n"
    )
    spec = tmp_path / "v.toml"
    spec.write_text(text)
    a, b = tmp_path / "a", tmp_path / "b"
    assert build_dataset(parse_spec(text, spec), a, inline=True).complete
    assert build_dataset(parse_spec(text, spec), b, inline=True).complete
    assert tree_bytes(a) == tree_bytes(b)
    views = read_table(a, "views")
    steps = read_table(a, "steps")
    assert views.column("step").to_pylist() == steps.column("step").to_pylist()
    meta = views.schema.metadata
    assert meta[b"autoship.dataset.radar_shape"] == b"256,64"
    radar = np.frombuffer(views.column("radar")[0].as_py(), np.uint8).reshape(256, 64)
    bird = np.frombuffer(views.column("birdseye")[0].as_py(), np.uint8).reshape(3, 64, 64)
    assert radar.max() > 0 and bird[2].max() == 255
    # The episode's AIS: NMEA sentences with tag blocks, own ship as !AIVDO, decodable.
    from pyais import decode

    ais = read_table(a, "ais").to_pylist()
    assert [r["episode_id"] for r in ais] == read_table(a, "episodes").column(
        "episode_id"
    ).to_pylist()
    lines = ais[0]["nmea"].split("\r\n")[:-1]
    assert ais[0]["n_messages"] > 0 and len(lines) >= ais[0]["n_messages"]
    assert all(ln.startswith("\\c:") for ln in lines)
    sentences = [ln.split("\\")[2] for ln in lines]
    assert any(x.startswith("!AIVDO") for x in sentences)
    first = decode(next(x for x in sentences if x.startswith("!AIVDO,1,1")))
    assert first.msg_type in (1, 18)


def test_charted_scenario_has_clearance_rays_and_land_in_the_views():
    """A Solent chart scenario (cut to 30 s): chart features reach every table."""
    from autoship.dataset.episodes import Episode
    from autoship.dataset.labels import label_episode
    from autoship.dataset.spec import Views
    from autoship.gym import OWN_FEATURES, TARGET_FEATURES

    root = Path(__file__).resolve().parents[2]
    path = root / "scenarios" / "solent-chart" / "crossing-off-cowes.toml"
    text = path.read_text().replace("duration_s = 1150.0", "duration_s = 30.0")
    ep = Episode("c", "solent-chart-crossing", 1, text, str(path), "{}")
    lab = label_episode(ep, "vo", None, 2, views=Views(birdseye=True, radar=True))
    assert lab["episode"]["error"] is None
    clear = lab["steps"]["own_clearance_m"]
    assert len(clear) == 6 and all(c is not None and c > 0 for c in clear)
    assert len(lab["steps"]["obs"][0]) == len(OWN_FEATURES) + 2 * len(TARGET_FEATURES) + 8
    bird = np.frombuffer(lab["views"]["birdseye"][0], np.uint8).reshape(3, 64, 64)
    radar = np.frombuffer(lab["views"]["radar"][0], np.uint8).reshape(256, 128)
    assert 0 < (bird[0] > 0).mean() < 1  # some land, some water in view
    # Where the chart puts the coast (first land cell along each bearing from the start), the
    # radar returns; beyond it, shadow; open water beyond the sea clutter stays dark.
    from autoship.dataset.views import polar_to_world
    from autoship.scenario import parse_scenario
    from autoship.sim import Simulation

    scen = parse_scenario(text, path)
    sim = Simulation(scen)
    own = scen.ships[0]
    B, R = np.meshgrid((np.arange(256) + 0.5) * DB, (np.arange(128) + 0.5) * DR, indexing="ij")
    n, e = polar_to_world(own.start_north, own.start_east, own.course, B, R)
    land = sim.hazards[0].distance_field().sample(n.ravel(), e.ravel()).reshape(256, 128) <= 0
    has = land.any(axis=1)
    first = land.argmax(axis=1)
    rows = np.flatnonzero(has & (first > 20) & (first < 110))  # beyond the sea clutter
    assert rows.size > 10
    coast = radar[rows, first[rows]].astype(float)
    behind = np.array([radar[b, first[b] + 6 :].mean() for b in rows])
    assert coast.mean() > 3 * behind.mean()
    water = radar[:, 40:][~land[:, 40:] & (np.arange(40, 128) < first[:, None])]
    assert coast.mean() > 3 * water.mean()  # open water before the coast, past the clutter
