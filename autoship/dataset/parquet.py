"""Shards as Parquet: column lists -> Arrow tables with the fixed schema -> bytes, and the atomic
write of a shard's files (temporary names, then renames; the episodes file last, so its presence
marks a complete shard)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from autoship.dataset.schema import EPISODES, PAIRS, STEPS, TABLES, VIEWS

# Fixed writer options: the same rows give the same bytes (no timestamps are written).
_WRITE = {"compression": "zstd", "compression_level": 3, "use_dictionary": True}
# Episodes last: its file marks the shard complete.
TABLE_ORDER = ("steps", "pairs", "views", "ais", "episodes")


def shard_name(shard: int) -> str:
    return f"shard-{shard:05d}.parquet"


def _obs_array(rows: list[np.ndarray]) -> pa.Array:
    lengths = np.array([r.shape[0] for r in rows], dtype=np.int32)
    offsets = np.zeros(len(rows) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    values = np.concatenate(rows).astype(np.float32) if rows else np.zeros(0, np.float32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(values))


def to_table(name: str, cols: dict[str, list]) -> pa.Table:
    schema = TABLES[name]
    arrays = []
    for f in schema:
        v = cols[f.name]
        if name == "steps" and f.name == "obs":
            arrays.append(_obs_array(v).cast(f.type))
        else:
            arrays.append(pa.array(v, type=f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def table_bytes(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf, **_WRITE)
    return buf.getvalue()


def shard_tables(labelled: list[dict[str, Any]], shard: int) -> dict[str, bytes]:
    """The three Parquet files of one shard from its episodes' labelled records."""
    steps: dict[str, list] = {f.name: [] for f in STEPS}
    pairs: dict[str, list] = {f.name: [] for f in PAIRS}
    episodes: dict[str, list] = {f.name: [] for f in EPISODES}
    for lab in labelled:
        for k in steps:
            steps[k].extend(lab["steps"][k])
        for k in pairs:
            pairs[k].extend(lab["pairs"][k])
        row = dict(lab["episode"], shard=shard)
        for k in episodes:
            episodes[k].append(row[k])
    files = {
        "steps": table_bytes(to_table("steps", steps)),
        "pairs": table_bytes(to_table("pairs", pairs)),
        "episodes": table_bytes(to_table("episodes", episodes)),
    }
    if any("ais" in lab for lab in labelled):
        ais: dict[str, list] = {"episode_id": [], "n_messages": [], "nmea": []}
        for lab in labelled:
            a = lab.get("ais") or {"n_messages": 0, "nmea": ""}
            ais["episode_id"].append(lab["episode"]["episode_id"])
            ais["n_messages"].append(a["n_messages"])
            ais["nmea"].append(a["nmea"])
        files["ais"] = table_bytes(to_table("ais", ais))
    shapes = next((lab["view_shapes"] for lab in labelled if lab.get("view_shapes")), None)
    if shapes is not None:
        views: dict[str, list] = {f.name: [] for f in VIEWS}
        for lab in labelled:
            for k in views:
                views[k].extend(lab.get("views", {}).get(k, []))
        meta = dict(VIEWS.metadata)
        for k, shape in shapes.items():
            meta[f"autoship.dataset.{k}_shape".encode()] = ",".join(map(str, shape)).encode()
        table = to_table("views", views)
        files["views"] = table_bytes(table.replace_schema_metadata(meta))
    return files


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_shard(out: Path, shard: int, files: dict[str, bytes]) -> None:
    """Write each table to a temporary name and rename it into place (episodes last)."""
    name = shard_name(shard)
    for table in (t for t in TABLE_ORDER if t in files):
        d = out / table
        d.mkdir(parents=True, exist_ok=True)
        tmp = d / f".{name}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(files[table])
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, d / name)
        _fsync_dir(d)


def complete_shards(
    out: Path, tables: tuple[str, ...] = ("steps", "pairs", "episodes")
) -> set[int]:
    """Shards whose every table is in place (a shard cut short before its episodes file is
    renamed is not complete and runs again)."""
    done = set()
    ep_dir = out / "episodes"
    if not ep_dir.is_dir():
        return done
    for p in ep_dir.glob("shard-*.parquet"):
        try:
            k = int(p.name[len("shard-") : -len(".parquet")])
        except ValueError:
            continue
        if all((out / t / p.name).is_file() for t in tables):
            done.add(k)
    return done


def remove_temporaries(out: Path) -> None:
    for t in TABLE_ORDER:
        d = out / t
        if d.is_dir():
            for p in d.glob(".shard-*.tmp"):
                p.unlink(missing_ok=True)


def read_table(out: Path, name: str) -> pa.Table:
    """All shards of one table, in shard order."""
    files = sorted((out / name).glob("shard-*.parquet"))
    schema = TABLES[name]
    if not files:
        return schema.empty_table()
    if name == "views":  # per-file metadata (image shapes) is kept
        return pa.concat_tables([pq.read_table(f) for f in files])
    return pa.concat_tables([pq.read_table(f, schema=schema) for f in files])
