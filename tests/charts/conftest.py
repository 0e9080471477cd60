from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from autoship.charts import load_chart
from autoship.geo import LocalFrame

REPO = Path(__file__).resolve().parents[2]
ENC = REPO / "charts" / "noaa_enc" / "US4MD81M" / "US4MD81M.000"
SOLENT = REPO / "charts" / "solent_land" / "solent_land_osm.geojson"
DATA = Path(__file__).resolve().parent / "data"

# Frame origins near the middle of each chart.
ENC_ORIGIN = (38.70, -76.35)
SOLENT_ORIGIN = (50.78, -1.20)


@pytest.fixture(autouse=True)
def _tmp_cache(tmp_path, monkeypatch):
    """Distance fields are cached on disk: keep every test's cache in its own tmp dir."""
    monkeypatch.setenv("AUTOSHIP_CACHE", str(tmp_path / "cache"))


@pytest.fixture(scope="session")
def enc_frame() -> LocalFrame:
    return LocalFrame(*ENC_ORIGIN)


@pytest.fixture(scope="session")
def enc_chart(enc_frame):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the bundled cell reads without repairs
        return load_chart(ENC, enc_frame)


@pytest.fixture(scope="session")
def solent_frame() -> LocalFrame:
    return LocalFrame(*SOLENT_ORIGIN)


@pytest.fixture(scope="session")
def solent_chart(solent_frame):
    return load_chart(SOLENT, solent_frame)
