"""One sweep run, and the worker process that executes runs sent over a pipe.

A worker is a plain ``python -m autoship.sweep.worker`` subprocess (not a multiprocessing
child) so that it can be started from anywhere, including from inside a daemonic Dask worker,
and killed on its own when a run hangs or crashes it. Frames on its stdin/stdout are an 8-byte
little-endian length followed by a pickle.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import pickle
import signal
import struct
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from autoship.colregs.profile import Profile
    from autoship.scenario import Scenario

_HEADER = struct.Struct("<Q")


@dataclass(frozen=True)
class Task:
    """Everything a worker needs for one run; plain data so it pickles to any machine.

    ``scenario``, when given, is the run's scenario already parsed by the sweep (a frozen
    ``Scenario`` pickles as it is), so the worker neither parses ``text`` nor reads ``path``;
    ``text`` stays the scenario's file text for the store and for replay files.
    """

    run_id: str
    scenario_id: str
    replicate: int
    seed: int
    text: str
    path: str | None = None  # original scenario file (relative chart paths), if it has one
    planner: str | None = None
    profile: str | None = None
    keep_dir: str | None = None  # keep the run folder here (else a temporary folder)
    fault: str | None = None  # executor tests only: "crash" | "hang" | "raise"
    # Not compared or hashed (``text`` already says which scenario it is; a Scenario holds
    # dicts, so it would make the task unhashable) and not in the repr (it is long).
    scenario: Scenario | None = field(default=None, compare=False, repr=False)


_DIGEST: str | None = None


def code_digest() -> str:
    """A short hash of the autoship sources this process runs: the package version does not
    change while planners are being edited, and a resumed sweep must not hide such a change."""
    global _DIGEST
    if _DIGEST is None:
        import hashlib

        root = Path(__file__).resolve().parents[1]
        h = hashlib.sha256()
        for p in sorted(root.rglob("*.py")):
            h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes())
        _DIGEST = h.hexdigest()[:16]
    return _DIGEST


def execute(task: Task) -> dict[str, Any]:
    """Simulate, score and return {"ok", "entry" | "error", "kind", "wall_s"}; never raises."""
    from autoship.errors import AutoshipError

    t0 = time.perf_counter()
    try:
        entry = _execute(task)
        return {
            "ok": True,
            "entry": entry,
            "wall_s": time.perf_counter() - t0,
            "code_digest": code_digest(),
        }
    except AutoshipError as exc:
        return {
            "ok": False,
            "kind": "error",
            "error": exc.one_line(),
            "wall_s": time.perf_counter() - t0,
        }
    except Exception as exc:  # one bad scenario must not stop the sweep
        return {
            "ok": False,
            "kind": "exception",
            "error": f"{type(exc).__name__}: {exc}",
            "wall_s": time.perf_counter() - t0,
        }


def _execute(task: Task) -> dict[str, Any]:
    """One run, as ``batch.run_job`` does it for ``autoship run`` but without its disk round
    trips: the scenario comes as an object (or its text is parsed in memory), the run is scored
    from the SimResult, and the run folder (with score.json) is written only when the sweep
    keeps it. The entry is the same (tests/sweep/test_lean_runs.py compares it with
    ``run_job``'s)."""
    from autoship.metrics import score_run
    from autoship.scenario import load_scenario, parse_scenario
    from autoship.sim import simulate

    if task.fault == "crash":
        os._exit(70)
    if task.fault == "hang":
        while True:
            time.sleep(3600)
    if task.fault == "raise":
        raise RuntimeError("fault injected by the test")
    own_work = getattr(task, "run_in_worker", None)
    if own_work is not None:  # a Task subclass carrying its own work (autoship.dataset shards)
        return own_work()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="autoship-sweep-") as tmp:
        if task.scenario is not None:
            scen = task.scenario
            if scen.path is None:
                # Named as when the worker parsed the text itself (meta.json's scenario.path,
                # file names in errors), so kept run folders are written as before.
                scen = dataclasses.replace(scen, path=Path(tmp) / f"{task.scenario_id}.toml")
        elif task.path is not None and Path(task.path).is_file():
            scen = load_scenario(task.path, check_chart=None)
        else:
            # Same path as the file the text used to be written to (it names the scenario in
            # errors and in meta.json), without writing and re-reading it.
            scen = parse_scenario(task.text, Path(tmp) / f"{task.scenario_id}.toml")
        if task.keep_dir is not None:
            run_dir = Path(task.keep_dir) / task.run_id
            run_dir.parent.mkdir(parents=True, exist_ok=True)
        else:
            run_dir = Path(tmp) / "run"
        result = simulate(scen, planner_override=task.planner, seed=task.seed)
        if task.keep_dir is not None:
            # force: a folder left by a run that was killed before it was recorded is stale.
            result.write(run_dir, force=True)
        run = result.to_run(run_dir)
        entry = score_run(run_dir, _profile(task.profile, run.meta), run=run)
        if task.keep_dir is not None:
            # As run_job writes it: the viewer shows scores and gates from here.
            wall = {"wall_s": round(time.perf_counter() - t0, 3)}
            (run_dir / "score.json").write_text(json.dumps(entry | wall, indent=1, default=str))
    entry["run_dir"] = str(run_dir) if task.keep_dir is not None else None
    return entry


@functools.lru_cache(maxsize=16)
def _load_profile(name: str | None) -> Profile:
    from autoship.colregs import load_profile

    return load_profile(name)


def _profile(name: str | None, meta: dict[str, Any]) -> Profile | None:
    """The scoring profile, parsed once per worker rather than once per run (profiles are frozen
    dataclasses). A profile that fails to load is left to ``score_run`` (or raised as
    ``run_job`` raises it) so the error reads the same."""
    from autoship.errors import ProfileError

    if name is not None:
        return _load_profile(name)
    chosen = meta.get("profile")
    try:
        return _load_profile(chosen if isinstance(chosen, str) and chosen else None)
    except ProfileError:
        return None


# --------------------------------------------------------------------------- framing


def write_frame(fh: BinaryIO, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    fh.write(_HEADER.pack(len(data)) + data)
    fh.flush()


def read_exact(fh: BinaryIO, n: int) -> bytes | None:
    """n bytes, or None at end of file (the other side is gone)."""
    chunks = []
    while n > 0:
        b = fh.read(n)
        if not b:
            return None
        chunks.append(b)
        n -= len(b)
    return b"".join(chunks)


def read_frame(fh: BinaryIO) -> Any:
    head = read_exact(fh, _HEADER.size)
    if head is None:
        raise EOFError
    data = read_exact(fh, _HEADER.unpack(head)[0])
    if data is None:
        raise EOFError
    return pickle.loads(data)


def main() -> None:
    # Ctrl-C goes to the whole process group: the parent decides, the worker just dies with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    proto_out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # stray prints from library code must not corrupt the frames
    proto_in = os.fdopen(os.dup(0), "rb", buffering=0)
    while True:
        try:
            task = read_frame(proto_in)
        except EOFError:
            return
        try:
            write_frame(proto_out, execute(task))
        except BrokenPipeError:
            return


if __name__ == "__main__":
    main()
    sys.exit(0)
