"""Load an autoship dataset into NumPy arrays for training (no deep-learning framework needed).

    python examples/dataset_loader.py [DATASET_DIR]

Without a folder it first builds the bundled example spec (datasets/example.toml) into a
temporary folder, in this process. X is the gym observation the expert saw at each decision,
y the expert's orders (course change from the heading, speed); the per-pair labels join on
(episode_id, step).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]


def read(out: Path, table: str) -> pa.Table:
    """Every shard of one table, in shard order (each shard is one Parquet file)."""
    files = sorted((out / table).glob("shard-*.parquet"))
    return pa.concat_tables([pq.read_table(f) for f in files])


def arrays(out: Path) -> tuple[np.ndarray, np.ndarray, pa.Table, pa.Table]:
    steps = read(out, "steps")
    schema_version = steps.schema.metadata[b"autoship.dataset.schema_version"].decode()
    print(f"schema version {schema_version}")
    obs = steps.column("obs").combine_chunks()
    width = len(obs[0])  # one observation layout per dataset (same n_targets, charts or not)
    X = obs.flatten().to_numpy(zero_copy_only=False).reshape(-1, width)
    y = np.column_stack(
        [
            steps.column("order_course_change_rad").to_numpy(),
            steps.column("order_speed_mps").to_numpy(),
        ]
    )
    return X, y, read(out, "pairs"), read(out, "episodes")


def main(out: Path) -> None:
    X, y, pairs, episodes = arrays(out)
    print(f"X {X.shape} float32 observations, y {y.shape} expert orders")
    risky = pairs.filter(pc.field("risk"))
    counts = pc.value_counts(risky.column("encounter")).to_pylist()
    summary = ", ".join(f"{c['values']} {c['counts']}" for c in counts) or "none"
    print(f"{pairs.num_rows} pair records, {risky.num_rows} with a risk of collision: {summary}")
    outcomes = pc.value_counts(episodes.column("outcome")).to_pylist()
    print("episode outcomes:", ", ".join(f"{c['values']} {c['counts']}" for c in outcomes))
    print(f"loaded {X.shape[0]} steps from {episodes.num_rows} episodes")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        from autoship.dataset import build_dataset, load_spec

        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "example"
            build_dataset(load_spec(ROOT / "datasets" / "example.toml"), out, inline=True)
            main(out)
