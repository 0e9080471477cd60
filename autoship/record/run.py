"""Writer and reader of run folders (format described in docs/architecture.md)."""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autoship.errors import RunFolderError
from autoship.record.records import RunMeta

FORMAT = "autoship-run"
FORMAT_VERSION = 1

# Per-ship arrays, each (n_records, n_ships) float64.
ARRAY_NAMES = (
    "north",
    "east",
    "heading",
    "u",
    "v",
    "r",
    "rudder",
    "shaft",
    "vn",
    "ve",
    "cmd_course",
    "cmd_speed",
)

_REQUIRED_META = ("format", "format_version", "scenario", "frame", "ships", "dt_s", "events")


@dataclass
class Run:
    """A loaded run folder."""

    path: Path
    meta: dict[str, Any]
    arrays: dict[str, np.ndarray]
    chart: dict[str, Any] | None = field(default=None)

    @property
    def t(self) -> np.ndarray:
        return self.arrays["t"]

    @property
    def ship_ids(self) -> list[str]:
        return [s["id"] for s in self.meta["ships"]]

    @property
    def events(self) -> list[dict[str, Any]]:
        return list(self.meta.get("events", []))

    def ship_index(self, ship_id: str) -> int:
        return self.ship_ids.index(ship_id)

    def record(self) -> RunMeta:
        """meta.json typed (``RunMeta``); a malformed key is a ``RunFolderError`` naming the
        file and the dotted key. Folders from before ``under_test`` get it derived (see
        ``autoship.record.records``)."""
        return RunMeta.from_json(self.meta, file=str(self.path / "meta.json"))


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _clean_floats(obj: Any) -> Any:
    """NaN/inf are not JSON; store them as null so any JSON reader can load the file."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _clean_floats(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean_floats(v) for v in obj]
    return obj


class RunWriter:
    """Writes one run folder atomically: everything goes to a temporary sibling folder first and is
    renamed into place at the end, so an interrupted run never leaves a half-written folder that
    looks complete, and an existing folder is replaced only with ``force=True``."""

    def __init__(self, path: str | os.PathLike, force: bool = False) -> None:
        self.path = Path(path)
        self.force = force
        if self.path.exists() and not force:
            raise RunFolderError(
                "run folder already exists (use --force to overwrite)", file=str(self.path)
            )

    def write(
        self,
        meta: dict[str, Any],
        arrays: dict[str, np.ndarray],
        chart: dict[str, Any] | None = None,
    ) -> Path:
        missing = [k for k in ("t", *ARRAY_NAMES) if k not in arrays]
        if missing:
            raise RunFolderError(f"missing arrays {missing}", file=str(self.path))
        meta = {"format": FORMAT, "format_version": FORMAT_VERSION, **meta}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.", dir=self.path.parent))
        # mkdtemp makes the folder private (0700); a run folder gets the user's usual mode.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        try:
            # Typed Any: numpy's stub reads **kwds as its own keywords (allow_pickle: bool).
            columns: dict[str, Any] = {
                k: np.ascontiguousarray(v, dtype=np.float64) for k, v in arrays.items()
            }
            np.savez(tmp / "track.npz", **columns)
            with open(tmp / "meta.json", "w", encoding="utf-8") as fh:
                json.dump(_clean_floats(meta), fh, indent=1, default=_json_default)
            if chart is not None:
                with open(tmp / "chart.json", "w", encoding="utf-8") as fh:
                    json.dump(chart, fh, separators=(",", ":"), default=_json_default)
            if self.path.exists():
                if not self.force:
                    raise RunFolderError(
                        "run folder already exists (use --force to overwrite)",
                        file=str(self.path),
                    )
                shutil.rmtree(self.path)
            os.replace(tmp, self.path)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return self.path


def in_memory_run(
    path: str | os.PathLike,
    meta: dict[str, Any],
    arrays: dict[str, np.ndarray],
    chart: dict[str, Any] | None = None,
) -> Run:
    """What ``load_run(path)`` would read back from the folder ``RunWriter(path)`` writes, built
    without writing it: meta and chart go through JSON in memory (tuples become lists, NaN
    becomes null, NumPy scalars plain numbers) so that scoring sees exactly the values it would
    see on disk."""
    full = {"format": FORMAT, "format_version": FORMAT_VERSION, **meta}
    meta_rt = json.loads(json.dumps(_clean_floats(full), default=_json_default))
    chart_rt = None if chart is None else json.loads(json.dumps(chart, default=_json_default))
    arr = {k: np.array(v, dtype=np.float64, order="C") for k, v in arrays.items()}
    return Run(path=Path(path), meta=meta_rt, arrays=arr, chart=chart_rt)


def load_run(path: str | os.PathLike) -> Run:
    """Load a run folder; raises RunFolderError naming the file and key on anything malformed."""
    p = Path(path)
    meta_path = p / "meta.json"
    if not p.is_dir():
        raise RunFolderError("not a run folder (no such directory)", file=str(p))
    if not meta_path.is_file():
        raise RunFolderError("not a run folder (meta.json missing)", file=str(p))
    try:
        with open(meta_path, encoding="utf-8") as fh:
            meta = json.load(fh)
    except (OSError, ValueError) as exc:
        raise RunFolderError(f"cannot read: {exc}", file=str(meta_path)) from None
    if not isinstance(meta, dict):
        raise RunFolderError("top level is not an object", file=str(meta_path))
    for key in _REQUIRED_META:
        if key not in meta:
            raise RunFolderError("missing key", file=str(meta_path), field=key)
    if meta["format"] != FORMAT:
        raise RunFolderError(
            f"unknown format {meta['format']!r}", file=str(meta_path), field="format"
        )
    if meta["format_version"] > FORMAT_VERSION:
        raise RunFolderError(
            f"format_version {meta['format_version']} is newer than this autoship reads "
            f"({FORMAT_VERSION})",
            file=str(meta_path),
            field="format_version",
        )
    track = p / "track.npz"
    try:
        with np.load(track, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError) as exc:
        raise RunFolderError(f"cannot read: {exc}", file=str(track)) from None
    n_ships = len(meta["ships"])
    if "t" not in arrays:
        raise RunFolderError("missing array", file=str(track), field="t")
    n_rec = arrays["t"].shape[0]
    for name in ARRAY_NAMES:
        if name not in arrays:
            raise RunFolderError("missing array", file=str(track), field=name)
        if arrays[name].shape != (n_rec, n_ships):
            raise RunFolderError(
                f"shape {arrays[name].shape}, expected {(n_rec, n_ships)}",
                file=str(track),
                field=name,
            )
    chart = None
    chart_path = p / "chart.json"
    if chart_path.is_file():
        try:
            with open(chart_path, encoding="utf-8") as fh:
                chart = json.load(fh)
        except (OSError, ValueError) as exc:
            raise RunFolderError(f"cannot read: {exc}", file=str(chart_path)) from None
    return Run(path=p, meta=meta, arrays=arrays, chart=chart)
