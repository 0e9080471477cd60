"""Where sweep runs execute: a local pool of worker processes, or an existing Dask cluster.

Both stream ``(task, outcome)`` as runs finish, and both enforce the per-run time limit and
survive a run that crashes its worker: the worker is killed (or found dead), the run is reported
as an error with its message, and a fresh worker takes the next run.
"""

from __future__ import annotations

import atexit
import os
import select
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from autoship.errors import AutoshipError
from autoship.sweep.worker import Task, read_frame, write_frame

_PKG_ROOT = str(Path(__file__).resolve().parents[2])
DASK_CONNECT_TIMEOUT = "20s"


class WorkerProcess:
    """One ``python -m autoship.sweep.worker`` subprocess and the run it is busy with."""

    def __init__(self) -> None:
        env = dict(os.environ)
        # The worker must import this very checkout even when autoship is not installed.
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PKG_ROOT, env.get("PYTHONPATH", "")) if p)
        # The pool is the parallelism: one thread per worker, or N workers oversubscribe the
        # cores with the scorer's parallel kernels.
        for var in (
            "NUMBA_NUM_THREADS",
            "OMP_NUM_THREADS",
            "OPENBLAS_NUM_THREADS",
            "MKL_NUM_THREADS",
        ):
            env.setdefault(var, "1")
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the worker
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "autoship.sweep.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            bufsize=0,
            env=env,
        )
        self.task: Task | None = None
        self.deadline = float("inf")

    def fileno(self) -> int:
        assert self.proc.stdout is not None
        return self.proc.stdout.fileno()

    def send(self, task: Task, time_limit_s: float) -> bool:
        self.task = task
        self.deadline = time.monotonic() + time_limit_s
        try:
            assert self.proc.stdin is not None
            write_frame(self.proc.stdin, task)  # type: ignore[arg-type]
            return True
        except (BrokenPipeError, OSError):
            return False

    def receive(self) -> dict[str, Any]:
        """The outcome of the current run; a dead worker becomes a 'crash' outcome."""
        try:
            assert self.proc.stdout is not None
            out = read_frame(self.proc.stdout)  # type: ignore[arg-type]
        except (EOFError, OSError):
            return self.crash_outcome()
        self.task = None
        return out

    def crash_outcome(self) -> dict[str, Any]:
        try:
            code = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.proc.returncode
        self.stderr.seek(0)
        tail = [ln for ln in self.stderr.read()[-2000:].decode(errors="replace").splitlines() if ln]
        last = f": {tail[-1].strip()}" if tail else ""
        return {"ok": False, "kind": "crash", "error": f"worker crashed (exit code {code}){last}"}

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            if f is not None:
                f.close()
        self.stderr.close()

    def close(self) -> None:
        """Ask an idle worker to finish (end of input), then make sure it is gone."""
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def run_one(self, task: Task, time_limit_s: float) -> dict[str, Any]:
        """Blocking single run with the time limit (the Dask path)."""
        if not self.send(task, time_limit_s):
            return self.crash_outcome()
        ready, _, _ = select.select([self], [], [], time_limit_s)
        if not ready:
            return timeout_outcome(time_limit_s)
        return self.receive()


def timeout_outcome(time_limit_s: float) -> dict[str, Any]:
    return {
        "ok": False,
        "kind": "timeout",
        "error": f"run exceeded the time limit of {time_limit_s:g} s (worker killed)",
    }


class LocalPool:
    """``n_workers`` local worker processes, kept alive between batches (falsification runs
    many small batches; a worker start costs about a Numba cache load)."""

    def __init__(self, n_workers: int, time_limit_s: float) -> None:
        if n_workers < 1:
            raise AutoshipError("must be >= 1", field="--jobs")
        self.n_workers = n_workers
        self.time_limit_s = time_limit_s
        self.idle: list[WorkerProcess] = []

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, dict[str, Any]]]:
        """Yield (task, outcome) as each run finishes."""
        pending = deque(tasks)
        idle, busy = self.idle, []
        done: list[tuple[Task, dict[str, Any]]] = []
        limit = self.time_limit_s
        try:
            while pending or busy or done:
                # Refill before handing results out, so no worker waits for the store.
                while pending and len(busy) < self.n_workers:
                    task = pending.popleft()
                    w = self._idle_worker()
                    if not w.send(task, limit):
                        # A reused worker may have died while idle: that is not this run's
                        # fault, so give it one fresh worker before calling it a crash.
                        w.kill()
                        w = WorkerProcess()
                        if not w.send(task, limit):
                            done.append((task, w.crash_outcome()))
                            w.kill()
                            continue
                    busy.append(w)
                yield from done
                done.clear()
                if not busy:
                    continue
                wait = max(0.0, min(w.deadline for w in busy) - time.monotonic())
                ready, _, _ = select.select(busy, [], [], wait)
                for w in ready:
                    task = w.task
                    assert task is not None
                    out = w.receive()
                    busy.remove(w)
                    if out.get("kind") == "crash":
                        w.kill()
                    else:
                        idle.append(w)
                    done.append((task, out))
                now = time.monotonic()
                for w in [w for w in busy if w.deadline <= now]:
                    task = w.task
                    assert task is not None
                    busy.remove(w)
                    w.kill()
                    done.append((task, timeout_outcome(limit)))
        finally:
            for w in busy:  # interrupted mid-batch: their runs are abandoned (not stored)
                w.kill()

    def _idle_worker(self) -> WorkerProcess:
        while self.idle:
            w = self.idle.pop()
            if w.proc.poll() is None:
                return w
            w.kill()  # died while idle (e.g. killed from outside): never blame a run for it
        return WorkerProcess()

    def close(self) -> None:
        for w in self.idle:
            w.close()
        self.idle.clear()


def run_local(
    tasks: Iterable[Task], n_workers: int, time_limit_s: float
) -> Iterator[tuple[Task, dict[str, Any]]]:
    """Run tasks on ``n_workers`` local worker processes; yields as each run finishes."""
    pool = LocalPool(n_workers, time_limit_s)
    try:
        yield from pool.run(tasks)
    finally:
        pool.close()


# --------------------------------------------------------------------------- Dask

_local = threading.local()
_dask_workers: weakref.WeakSet[WorkerProcess] = weakref.WeakSet()


@atexit.register
def _close_dask_workers() -> None:
    for w in list(_dask_workers):
        w.close()


def dask_execute(task: Task, time_limit_s: float) -> dict[str, Any]:
    """Runs on a Dask worker: one persistent worker process per worker thread, so runs are
    isolated and the time limit can kill a hung run without killing the Dask worker."""
    w = getattr(_local, "worker", None)
    if w is None or w.proc.poll() is not None:
        w = WorkerProcess()
        _local.worker = w
        _dask_workers.add(w)
    out = w.run_one(task, time_limit_s)
    if out.get("kind") in ("crash", "timeout"):
        w.kill()
        _local.worker = None
    return out


class DaskPool:
    """A client of an existing Dask distributed cluster (``dask scheduler`` / ``dask
    worker``); every worker needs this autoship version installed."""

    def __init__(self, address: str, time_limit_s: float) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise AutoshipError(
                "needs dask distributed: pip install 'autoship[cluster]'", field="--cluster"
            ) from None
        try:
            self.client = Client(address, timeout=DASK_CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise AutoshipError(
                f"cannot reach the Dask scheduler at {address}: {exc}", field="--cluster"
            ) from None
        self.time_limit_s = time_limit_s

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, dict[str, Any]]]:
        from distributed import as_completed

        futs = {}
        token = os.urandom(4).hex()
        try:
            for task in tasks:
                fut = self.client.submit(
                    dask_execute,
                    task,
                    self.time_limit_s,
                    key=f"autoship-{task.run_id}-{token}",
                    pure=False,
                )
                futs[fut.key] = (fut, task)
            for fut in as_completed([f for f, _ in futs.values()]):
                task = futs[fut.key][1]
                try:
                    out = fut.result()
                except Exception as exc:  # e.g. KilledWorker: the Dask worker itself died
                    out = {"ok": False, "kind": "crash", "error": f"{type(exc).__name__}: {exc}"}
                yield task, out
        finally:
            self.client.cancel([f for f, _ in futs.values()])

    def close(self) -> None:
        self.client.close()


def run_dask(
    tasks: Iterable[Task], address: str, time_limit_s: float
) -> Iterator[tuple[Task, dict[str, Any]]]:
    """Run tasks on an existing Dask cluster; yields as each run finishes."""
    pool = DaskPool(address, time_limit_s)
    try:
        yield from pool.run(tasks)
    finally:
        pool.close()


def make_pool(n_jobs: int, cluster: str | None, time_limit_s: float) -> LocalPool | DaskPool:
    """A reusable executor for many batches (close it when done)."""
    if cluster:
        return DaskPool(cluster, time_limit_s)
    return LocalPool(n_jobs, time_limit_s)


def execute_all(
    tasks: Iterable[Task],
    n_jobs: int = 1,
    cluster: str | None = None,
    time_limit_s: float = 600.0,
) -> Iterator[tuple[Task, dict[str, Any]]]:
    if cluster:
        return run_dask(tasks, cluster, time_limit_s)
    return run_local(tasks, n_jobs, time_limit_s)
