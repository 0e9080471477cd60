"""Dataset throughput: labelled steps per second with --jobs 1 and --jobs 2 (goal: >= 1.8x
from two cores), bytes per step, and whether both runs wrote the same bytes; the same with the
bird's-eye and radar views (--jobs 1); then closing the
loop: a behaviour-cloning policy (NumPy ridge regression, autoship.dataset.bc) fitted on the
--jobs 1 dataset steers the own ship of held-out generated encounters (another seed), and the
referee's pass rate and collisions are printed beside the expert's on the same encounters.

    .venv/bin/python -m benchmarks.bench_dataset                   # 16 episodes, sbmpc expert
    .venv/bin/python -m benchmarks.bench_dataset --episodes 32 --expert vo

Each build runs end to end as `autoship dataset` does (episode planning, worker processes,
labelling, Parquet, card) into a fresh folder. A step is one expert decision (one planner
period) of the own ship. The load average is printed because the cores may be shared; "cores
obtained" is the workers' CPU time over the wall time.

Measured 2026-12-02 on the 2-core development VM shared with other engineers' jobs (load
average 1.4-2 before the run), 48 episodes of 600 s (5,760 steps), sbmpc expert:
--jobs 1 303 steps/s (0.93 cores obtained), --jobs 2 300 steps/s (1.17 cores obtained): 0.99x
wall, because the second core was mostly taken by others; per core obtained 325 vs 256 steps/s
(79 % efficiency: each worker pays about 2.3 s CPU to start, imports and cached kernels plus a
slower first episode, against about 2.7 ms per step). The 1.8x goal is not demonstrated on this
machine. 414 bytes per step without views; with bird's-eye (3x64x64) and radar (256x128) views
121 steps/s at --jobs 1 and 18.5 kB per step (radar speckle does not compress). Both --jobs
runs wrote identical Parquet bytes. Behaviour cloning (ridge on observation and squares, 5,760
training steps): on 12 held-out encounters the expert passed 10 (83 %), mean referee score
0.94, the learned policy passed 6 (50 %), mean score 0.71; no collisions for either. The default
run (16 episodes, 1,920 steps) a little later, load average 2.0: --jobs 1 226 steps/s (0.93
cores), --jobs 2 308 steps/s (1.66 cores), 1.36x; views 111 steps/s; the learned policy passed
8 of 12 (67 %, mean score 0.81) against the expert's 10 (83 %, 0.94), no collisions. Other runs
on this VM under heavier load (load average 3) gave --jobs 2 / --jobs 1 from 0.5x to 1.76x:
figures on this shared machine are noisy. Idle (load 0.8), later the same day,
`--episodes 64 --no-bc`: --jobs 1 336 steps/s (0.94 cores), --jobs 2 612 steps/s (1.72 cores),
1.82x, identical bytes; the default 16 episodes 1.28x.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import tempfile
import time
from pathlib import Path

from autoship.dataset import build_dataset, parse_spec

SPEC = """
[dataset]
id = "bench"
seed = 2026
expert = "{expert}"
episodes_per_shard = {per}
n_targets = 4

[scenario]
duration_s = {duration}
dt_s = 1.0
planner_period_s = 5.0

[own]
speed_kn = 10.0

[source]
kind = "random"
samples = {episodes}
encounter = "all"
n_targets = [1, 2, 3]

[randomise]
own_models = ["generic-cargo", "container", "tanker"]
target_models = ["generic-cargo", "ferry", "fishing-vessel"]
wind_speed_kn = [0.0, 20.0]
wind_from_deg = [0.0, 360.0]
current_speed_kn = [0.0, 1.0]
current_to_deg = [0.0, 360.0]
target_behaviour = ["keep-course", "rule-abiding"]
"""


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*.parquet")):
        h.update(p.relative_to(root).as_posix().encode() + p.read_bytes())
    return h.hexdigest()[:16]


VIEWS = "\n[views]\nbirdseye = true\nradar = true\n"


def one(spec_text: str, jobs: int, tmp: Path, name: str | None = None) -> dict:
    spec = parse_spec(spec_text, tmp / "bench.toml")
    out = tmp / (name or f"jobs{jobs}")
    cpu0, t0 = _children_cpu(), time.perf_counter()
    res = build_dataset(spec, out, n_jobs=jobs)
    wall = time.perf_counter() - t0
    cpu = _children_cpu() - cpu0
    assert res.complete, res.failed
    card = res.card or {}
    c = card["counts"]
    return {
        "jobs": jobs,
        "wall_s": wall,
        "steps": c["steps"],
        "steps_per_s": c["steps"] / wall,
        "cores": cpu / wall,
        "bytes_per_step": c["bytes_per_step"],
        "outcome": c["outcome"],
        "digest": _digest(out),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--episodes", type=int, default=16)
    ap.add_argument("--duration", type=float, default=600.0, help="episode length, s")
    ap.add_argument("--per-shard", type=int, default=2)
    ap.add_argument("--expert", default="sbmpc")
    ap.add_argument("--held-out", type=int, default=12, help="episodes to judge the policy on")
    ap.add_argument("--no-bc", action="store_true", help="skip the behaviour-cloning part")
    args = ap.parse_args(argv)
    text = SPEC.format(
        expert=args.expert, per=args.per_shard, duration=args.duration, episodes=args.episodes
    )
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for jobs in (1, 2):
            r = one(text, jobs, Path(tmp))
            rows.append(r)
            print(
                f"--jobs {jobs}: {r['steps']} steps in {r['wall_s']:.1f} s = "
                f"{r['steps_per_s']:.0f} steps/s ({r['cores']:.2f} cores obtained), "
                f"{r['bytes_per_step']} bytes/step, outcomes {r['outcome']}",
                flush=True,
            )
        r = one(text + VIEWS, 1, Path(tmp), "views")
        print(
            f"--jobs 1 with bird's-eye and radar views: {r['steps_per_s']:.0f} steps/s "
            f"({r['cores']:.2f} cores obtained), {r['bytes_per_step']} bytes/step",
            flush=True,
        )
        a, b = rows
        per_core = [r["steps_per_s"] / max(r["cores"], 1e-9) for r in rows]
        print(
            f"speed-up --jobs 2 / --jobs 1: {b['steps_per_s'] / a['steps_per_s']:.2f}x "
            f"(per core obtained {per_core[0]:.0f} vs {per_core[1]:.0f} steps/s); "
            f"same bytes: {a['digest'] == b['digest']}",
            flush=True,
        )
        if not args.no_bc:
            behaviour_cloning(text, Path(tmp), args.held_out)


def behaviour_cloning(train_text: str, tmp: Path, n_held_out: int) -> None:
    import numpy as np

    from autoship.dataset.bc import LinearPolicy, closed_loop, summary, training_arrays
    from autoship.dataset.episodes import plan_episodes
    from autoship.dataset.parquet import read_table

    X, y = training_arrays(tmp / "jobs1")
    policy = LinearPolicy.fit(X, y)
    rmse = np.sqrt(np.mean((y - policy.predict(X)) ** 2, axis=0))
    held = train_text.replace("seed = 2026", "seed = 2027")
    held = held.replace(f"samples = {_samples(train_text)}", f"samples = {n_held_out}")
    spec = parse_spec(held, tmp / "held-out.toml")
    build_dataset(spec, tmp / "held-out", n_jobs=2)
    expert = summary(read_table(tmp / "held-out", "episodes").to_pylist())
    t0 = time.perf_counter()
    learned = summary(closed_loop(plan_episodes(spec)[0], policy, spec.profile, spec.n_targets))
    wall = time.perf_counter() - t0
    print(
        f"behaviour cloning: fitted on {X.shape[0]} steps x {X.shape[1]} features "
        f"(train RMSE course change {np.degrees(rmse[0]):.1f} deg, speed {rmse[1]:.2f} m/s)"
    )
    for name, s in (("expert", expert), ("learned", learned)):
        print(
            f"  {name:8s} on {s['episodes']} held-out encounters: passed {s['passed']} "
            f"({100 * s['passed'] / max(s['episodes'], 1):.0f} %), collisions {s['collisions']}, "
            f"errors {s['errors']}, mean referee score {s['mean_score']}"
        )
    print(f"  (learned policy closed loop in {wall:.1f} s in this process)")


def _samples(text: str) -> int:
    line = next(ln for ln in text.splitlines() if ln.startswith("samples = "))
    return int(line.split("=")[1])


if __name__ == "__main__":
    main()
