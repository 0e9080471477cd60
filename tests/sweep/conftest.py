from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IMAZU = ROOT / "scenarios" / "imazu"

# A small, fast sweep: 3 bearings x 2 meeting offsets = 6 scenarios (classified from the
# geometry), 4-minute meetings simulated for 480 s at dt 2 s.
SMALL = """
[sweep]
id = "small"
seed = 11
planner = "{planner}"
replicates = {replicates}
time_limit_s = 60

[scenario]
dt_s = 2.0
planner_period_s = 10.0

[own]
speed_kn = 10.0

[generator]
kind = "grid"
bearing_deg = {bearing}
speed_ratio = [1.0]
tcpa_min = [4.0]
offset_m = [0.0, 600.0]
"""


def small_sweep(
    tmp: Path, planner: str = "waypoint", replicates: int = 1, bearing: str = "[-3.0, 45.0, 90.0]"
) -> Path:
    p = tmp / "small.toml"
    p.write_text(SMALL.format(planner=planner, replicates=replicates, bearing=bearing))
    return p


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return small_sweep(tmp_path)
