"""``autoship score RUN_DIR... [--profile NAME] [--json [FILE]] [--markdown FILE] [--junit FILE]``:
score existing run folders with any profile (exit 0 all gates passed, 1 a gate failed)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from autoship.cli._flags import deprecated_alias
from autoship.errors import AutoshipError, RunFolderError


def add_parser(sub) -> None:
    p = sub.add_parser(
        "score",
        help="score run folders (COLREG rules, gates, readiness) with any profile",
        description="Score existing run folders. A folder without meta.json is searched one "
        "level down for run folders (a batch output folder).",
    )
    p.add_argument("run_dirs", nargs="+", type=Path, metavar="RUN_DIR", help="run folder(s)")
    p.add_argument(
        "--profile",
        help="scoring profile name or .toml file for every run (default: each run's own)",
    )
    p.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="FILE",
        help="write the JSON report to FILE (no FILE or '-': on stdout)",
    )
    p.add_argument(
        "--vs-recording",
        action="store_true",
        help="judge mined scenarios as 'no worse than the recording' (see `run --vs-recording`)",
    )
    deprecated_alias(p, "--out", "--json FILE", "json")
    p.add_argument("--markdown", type=Path, metavar="FILE", help="write a Markdown summary")
    p.add_argument("--junit", type=Path, metavar="FILE", help="write JUnit XML")
    p.set_defaults(func=run)


def expand_run_dirs(paths: list[Path]) -> list[Path]:
    """Run folders named directly, or the run folders one level inside a batch folder."""
    out: list[Path] = []
    for p in paths:
        if (p / "meta.json").is_file():
            out.append(p)
            continue
        if not p.is_dir():
            raise RunFolderError("not a run folder (no such directory)", file=str(p))
        inner = sorted(d for d in p.iterdir() if (d / "meta.json").is_file())
        if not inner:
            raise RunFolderError("not a run folder and contains none (no meta.json)", file=str(p))
        out.extend(inner)
    return out


def run(args: argparse.Namespace) -> int:
    from autoship.colregs import load_profile
    from autoship.metrics import build_batch_report, score_run, write_junit, write_markdown

    to_stdout = args.json == "-"
    json_file = Path(args.json) if args.json and not to_stdout else None
    for out in (json_file, args.markdown, args.junit):
        if out is not None and out.parent and not out.parent.is_dir():
            raise AutoshipError("output folder does not exist", file=str(out))
    dirs = expand_run_dirs(list(args.run_dirs))
    # Each run is scored under the profile it was run with (a batch may mix them, as `run`
    # does) unless --profile names one for all.
    profile = load_profile(args.profile) if args.profile else None
    entries = [score_run(d, profile, vs_recording=args.vs_recording) for d in dirs]
    report = build_batch_report(entries, profile)
    text = json.dumps(report, indent=1)
    if json_file is not None:
        json_file.write_text(text + "\n", encoding="utf-8")
    if args.markdown:
        write_markdown(report, args.markdown)
    if args.junit:
        write_junit(report, args.junit)
    if to_stdout:
        sys.stdout.write(text + "\n")
    else:
        for e in entries:
            status = "PASS" if e["passed"] else "FAIL"
            sep = e["min_separation_m"]
            sep_txt = f"{sep:9.1f} m" if sep is not None else "        - m"
            print(
                f"{status} {e['scenario_id']!s:<24} planner={e['planner']!s:<12} "
                f"seed={e['seed']!s:<6} min_sep={sep_txt} score={e['score']:.2f}"
            )
            for g in e["failed_gates"]:
                print(f"    {g}")
        s = report["summary"]
        rd = report["readiness"]
        print(
            f"{s['passed']}/{s['runs']} passed, {s['collisions']} collisions, "
            f"{s['groundings']} groundings; profile {report['profile']}; "
            f"readiness: {'ready' if rd['ready'] else 'not ready'}"
        )
    return 0 if report["summary"]["passed"] == report["summary"]["runs"] else 1
