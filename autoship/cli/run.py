"""``autoship run PATH... --out DIR``: the headless runner."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from autoship.cli._flags import deprecated_alias
from autoship.cli._progress import Progress
from autoship.errors import AutoshipError


def add_parser(sub) -> None:
    p = sub.add_parser("run", help="run scenario files or folders headless and score them")
    p.add_argument("paths", nargs="+", metavar="PATH", help="scenario file or folder of them")
    p.add_argument("--out", required=True, type=Path, help="output folder for run folders")
    p.add_argument("--planner", help="override the own ship's planner (e.g. sbmpc, vo)")
    p.add_argument("--seed", type=int, help="override the scenario seed")
    p.add_argument("--jobs", type=int, default=1, help="parallel worker processes")
    p.add_argument("--profile", help="scoring profile (default: each scenario's own)")
    p.add_argument("--json", type=Path, metavar="FILE", help="write the JSON report here")
    deprecated_alias(p, "--report", "--json", "json", type=Path)
    p.add_argument("--junit", type=Path, metavar="FILE", help="write JUnit XML here")
    p.add_argument("--markdown", type=Path, metavar="FILE", help="write a Markdown report here")
    p.add_argument("--force", action="store_true", help="overwrite existing run folders")
    p.add_argument(
        "--vs-recording",
        action="store_true",
        help="judge mined scenarios as 'no worse than the recording': a gate the recorded "
        "human also fails is waived (collisions, groundings and progress never are)",
    )
    p.add_argument(
        "--video-on-fail",
        type=Path,
        metavar="DIR",
        help="write a replay GIF of every failing run into DIR (viewer extra)",
    )
    p.add_argument(
        "--ais-udp",
        metavar="HOST:PORT",
        help="stream every ship as AIS NMEA over UDP while running (needs --jobs 1)",
    )
    p.add_argument(
        "--ais-realtime", action="store_true", help="with --ais-udp: pace the run to the wall clock"
    )
    p.add_argument(
        "--ais-speed",
        type=float,
        default=1.0,
        help="with --ais-realtime: time-lapse factor (default 1)",
    )
    p.set_defaults(func=run)


def _check_output(path: Path | None, force: bool) -> None:
    if path is not None and path.exists() and not force:
        raise AutoshipError("file exists (use --force to overwrite)", file=str(path))


def run(args: argparse.Namespace) -> int:
    from autoship.sweep.batch import plan_jobs, run_jobs

    if args.jobs < 1:
        raise AutoshipError("must be >= 1", field="--jobs")
    if args.seed is not None and args.seed < 0:
        raise AutoshipError("must be >= 0", field="--seed")
    for out in (args.json, args.junit, args.markdown):
        _check_output(out, args.force)
    jobs = plan_jobs(args.paths, args.out, args.planner, args.seed, args.force, args.profile)
    if args.vs_recording:
        jobs = [dataclasses.replace(j, vs_recording=True) for j in jobs]
    if args.ais_udp is not None:
        from autoship.ais.emit import parse_host_port

        parse_host_port(args.ais_udp)
        if args.jobs != 1:
            raise AutoshipError(
                "--ais-udp streams one run at a time; use --jobs 1", field="--ais-udp"
            )
        if not args.ais_speed > 0:
            raise AutoshipError("must be positive", field="--ais-speed")
        jobs = [
            dataclasses.replace(
                j, ais_udp=args.ais_udp, ais_realtime=args.ais_realtime, ais_speed=args.ais_speed
            )
            for j in jobs
        ]
    progress = Progress(len(jobs), "running")
    entries, errors = [], []
    order = {job.path: k for k, job in enumerate(jobs)}
    for job, outcome in run_jobs(jobs, args.jobs):
        progress.advance(job.path.stem)
        if outcome["ok"]:
            entries.append((order[job.path], outcome["entry"]))
        else:
            errors.append(outcome)
    progress.close()
    entries = [e for _, e in sorted(entries, key=lambda x: x[0])]

    from autoship.metrics import build_batch_report, write_junit, write_markdown

    # Each scenario names its profile; a batch may mix them (scored, never compared, apart).
    profile = None
    if args.profile:
        from autoship.colregs import load_profile

        profile = load_profile(args.profile)
    report = build_batch_report(entries, profile)
    if errors:
        report["errors"] = errors
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1))
    if args.junit:
        args.junit.parent.mkdir(parents=True, exist_ok=True)
        write_junit(report, args.junit)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        write_markdown(report, args.markdown)
    if args.video_on_fail is not None:
        _videos_of_failures(entries, args.video_on_fail, args.force)
    for e in entries:
        status = "PASS" if e["passed"] else "FAIL"
        sep = e.get("min_separation_m")
        sep_s = f"{sep:8.1f} m" if sep is not None else "     n/a  "
        clear = e.get("min_clearance_m")
        clear_s = f"  min_clear={clear:7.1f} m" if clear is not None else ""
        h = e.get("human")
        human_s = ""
        if h:
            hs = h.get("min_separation_m")
            human_s = f"  human: {'pass' if h['passed'] else 'fail'}, min_sep=" + (
                f"{hs:.1f} m" if hs is not None else "n/a"
            )
        print(
            f"{status} {e['scenario_id']:<28} planner={e['planner']:<12} "
            f"collision={str(e['collision']).lower():<5} "
            f"grounding={str(e.get('grounding', False)).lower():<5} "
            f"min_sep={sep_s}{clear_s}  score={e['score']:.2f}{human_s}"
        )
    for err in errors:
        # The promised form, on stderr, naming the user's scenario file.
        msg, path = str(err.get("error", "")), err.get("path")
        if path and not msg.startswith(str(path)):
            msg = f"{path}: {msg}"
        print(f"autoship: error: {msg}", file=sys.stderr)
    s = report["summary"]
    print(
        f"{s['passed']}/{s['runs']} passed, {s['collisions']} collisions, "
        f"{s['groundings']} groundings" + (f", {len(errors)} errors" if errors else "")
    )
    if errors and not entries:
        return 2
    return 0 if (s["passed"] == s["runs"] and not errors) else 1


def _videos_of_failures(entries: list[dict], out: Path, force: bool) -> None:
    failing = [e for e in entries if not e["passed"]]
    if not failing:
        return
    try:
        from viewer.export import write_video
    except ModuleNotFoundError:
        print(
            "autoship: --video-on-fail needs the viewer: pip install 'autoship[viewer]'",
            file=sys.stderr,
        )
        return
    out.mkdir(parents=True, exist_ok=True)
    for e in failing:
        path = out / f"{Path(e['run_dir']).name}.gif"
        if path.exists() and not force:
            print(f"autoship: {path} exists, not overwritten (use --force)", file=sys.stderr)
            continue
        write_video(e["run_dir"], path, score=e)
