"""Tiny dataset specs: short episodes, one or two targets, so the whole directory stays fast."""

from __future__ import annotations

from pathlib import Path

TINY = """
[dataset]
id = "tiny"
seed = 3
expert = "{expert}"
episodes_per_shard = 1
n_targets = 2

[scenario]
duration_s = 40.0
dt_s = 1.0
planner_period_s = 5.0

[own]
speed_kn = 10.0

[source]
kind = "random"
samples = {samples}
encounter = ["head-on", "crossing-give-way"]
n_targets = [1, 2]
tcpa_min = [3.0, 4.0]

[randomise]
own_models = ["generic-cargo", "container"]
target_models = ["generic-cargo", "ferry"]
wind_speed_kn = [0.0, 15.0]
wind_from_deg = [0.0, 360.0]
current_speed_kn = [0.0, 1.0]
current_to_deg = [0.0, 360.0]
target_behaviour = ["keep-course", "rule-abiding"]
"""


def tiny_text(expert: str = "vo", samples: int = 3) -> str:
    return TINY.format(expert=expert, samples=samples)


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under root by relative path (the dataset's content, byte for byte)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
