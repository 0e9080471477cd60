"""``autoship report DIR [--markdown FILE] [--plots DIR] [--junit FILE]``: statistics of a
sweep's results store; for a run output folder (``autoship run --out DIR --report
DIR/report.json``) a one-screen summary of what passed, what failed and why, and where the
reports are."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from autoship.cli._flags import deprecated_alias
from autoship.errors import AutoshipError


def add_parser(sub) -> None:
    p = sub.add_parser(
        "report",
        help="failure rate with Wilson interval, breakdowns and plots of a sweep folder",
    )
    p.add_argument(
        "dir",
        type=Path,
        metavar="DIR",
        help="sweep output folder, or a run output folder holding report.json (summary)",
    )
    p.add_argument("--markdown", type=Path, metavar="FILE", help="write a Markdown report")
    p.add_argument("--plots", type=Path, metavar="DIR", help="write PNG plots into this folder")
    deprecated_alias(p, "--png", "--plots DIR", "plots", type=Path)
    p.add_argument(
        "--junit",
        type=Path,
        metavar="FILE",
        help="write JUnit XML for CI (a run fails iff a gate failed, whatever --fail-on)",
    )
    p.add_argument("--json", type=Path, metavar="FILE", help="write the statistics as JSON")
    p.add_argument(
        "--fail-on",
        choices=("collision", "failure", "never"),
        default="collision",
        help="exit 1 on: a collision or grounding (default), any failed gate, or never",
    )
    p.add_argument("--worst", type=int, default=10, help="list this many lowest-safety runs")
    p.add_argument(
        "--export-failures",
        type=Path,
        metavar="DIR",
        help="write each failing run (per --fail-on) as a scenario file ready to replay",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from autoship.sweep.stats import is_failure, markdown, summarize, worst, write_plots
    from autoship.sweep.store import Store

    if args.worst < 0:
        raise AutoshipError("must be >= 0", field="--worst")
    if not (args.dir / "sweep.sqlite").exists() and (args.dir / "report.json").is_file():
        return _run_summary(args)
    with Store(args.dir, write=False) as store:
        runs = store.runs(light=True)  # the big text columns only for JUnit failures
        if not runs:
            raise AutoshipError("the store holds no runs yet", file=str(args.dir))
        encs = store.encounters()
        meta = store.meta()
        s = summarize(runs, encs)
        bad = worst(runs, args.worst)
        plots = write_plots(runs, args.plots, encs) if args.plots else []
        if args.markdown:
            args.markdown.parent.mkdir(parents=True, exist_ok=True)
            text = markdown(s, bad, meta, plots, args.markdown)
            args.markdown.write_text(text, encoding="utf-8")
        exported = []
        if args.export_failures:
            from autoship.sweep.runner import replay_text

            mode = "collision" if args.fail_on == "never" else args.fail_on
            args.export_failures.mkdir(parents=True, exist_ok=True)
            for r in runs:
                if is_failure(r, mode):
                    text = store.detail(r["run_id"])["scenario_text"]
                    src = json.loads(r["params_json"]).get("source_file")
                    base = Path(src).parent if src else None
                    path = args.export_failures / f"{r['run_id']}.toml"
                    text = replay_text(text, r["seed"], r["planner"], base)
                    path.write_text(text, encoding="utf-8")
                    exported.append(path)
        if args.junit:
            args.junit.parent.mkdir(parents=True, exist_ok=True)
            _write_junit(store, runs, meta, args.junit)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(s, indent=1), encoding="utf-8")

    cg = s["collision_or_grounding"]
    print(f"sweep {meta.get('sweep_id', '?')}: {s['runs']} runs, {s['errors']} errors")
    print(
        f"failure rate {100 * s['failure_rate']:.1f} % ({s['failures']}/{s['runs']}), "
        f"Wilson 95 % interval {100 * s['wilson_lower']:.1f} - {100 * s['wilson_upper']:.1f} %"
    )
    print(
        f"collision or grounding {100 * cg['rate']:.1f} % ({cg['failures']}/{cg['runs']}), "
        f"Wilson 95 % interval {100 * cg['wilson_lower']:.1f} - {100 * cg['wilson_upper']:.1f} %"
    )
    for key, title in (("by_encounter", "encounter"), ("by_n_targets", "targets")):
        for g, r in s[key].items():
            print(
                f"  {title} {g:<20} {r['failures']:>5}/{r['runs']:<5} failed "
                f"{100 * r['failure_rate']:5.1f} % "
                f"[{100 * r['wilson_lower']:.1f}, {100 * r['wilson_upper']:.1f}]  "
                f"collisions/groundings {r['collisions']}"
            )
    q = s["min_separation_m"]
    if q.get("n"):
        print(
            f"min separation: min {q['min']:.0f} m, p05 {q['p05']:.0f} m, "
            f"median {q['median']:.0f} m"
        )
    if len(s["code_digests"]) > 1:
        print(
            f"warning: runs come from {len(s['code_digests'])} different source versions "
            f"({', '.join(s['code_digests'])}): the code changed during the sweep"
        )
    for p in plots:
        print(f"plot: {p}")
    if args.export_failures:
        print(f"exported {len(exported)} failing scenarios to {args.export_failures}")
    for e in s["error_list"][:10]:
        print(f"ERROR {e['run_id']} ({e['kind']}): {e['error']}")
    if args.fail_on == "never":
        return 0
    failed = sum(is_failure(r, args.fail_on) for r in runs)
    return 1 if (failed or s["errors"]) else 0


def _write_junit(store: Any, runs: list[dict[str, Any]], meta: dict[str, str], path: Path) -> None:
    """The sweep as the same JUnit as `run` and `score` (metrics.report.write_junit): one case
    per run entry with the store's measured wall time, failures = failed gates (not
    --fail-on, which only sets the exit status), errors = runs that crashed, hung or were
    rejected; a failure's text ends with the scenario to replay it."""
    from autoship.metrics import write_junit

    entries: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for r in runs:
        if r["status"] != "ok":
            errors.append(
                {
                    "run_id": r["run_id"],
                    "scenario_id": r["run_id"],
                    "planner": r.get("planner"),
                    "error": r.get("error"),
                    "kind": r.get("error_kind"),
                    "wall_s": r.get("wall_s"),
                }
            )
            continue
        entry = dict(store.detail(r["run_id"])["entry"] or {})
        # The store's columns are the truth for the verdict and the time.
        entry.setdefault("scenario_id", r["run_id"])
        entry.setdefault("planner", r.get("planner"))
        entry.setdefault("seed", r.get("seed"))
        entry["passed"] = bool(r["passed"])
        entry["wall_s"] = r.get("wall_s")
        entry["run_id"] = r["run_id"]
        entry.pop("run_dir", None)  # temporary folders, gone unless --keep-runs
        entries.append(entry)

    def replay(entry: dict[str, Any]) -> str | None:
        text = store.detail(entry["run_id"]).get("scenario_text")
        if not text:
            return None
        return (
            f"run {entry['run_id']}, seed {entry.get('seed')}, planner {entry.get('planner')}; "
            "replay with `autoship report --fail-on failure --export-failures DIR` or this "
            f"scenario:\n\n{text}"
        )

    names = sorted({str(e.get("profile")) for e in entries if e.get("profile")})
    report: dict[str, Any] = {"runs": entries, "errors": errors}
    if len(names) == 1:
        one = entries[0] if entries else {}
        for k in ("profile", "profile_version", "profile_hash"):
            report[k] = next((e.get(k) for e in entries if e.get(k) is not None), one.get(k))
    report["autoship_version"] = meta.get("autoship_version")
    write_junit(report, path, f"autoship.sweep[{meta.get('sweep_id', 'sweep')}]", replay)


SUMMARY_WIDTH = 100  # one line per failure on a common terminal
SUMMARY_MAX_FAILED = 15  # with more, the rest are counted (all are in report.md)


def _one_line(text: str, width: int = SUMMARY_WIDTH) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def compact_ids(ids: list[str]) -> str:
    """Numbered ids shortened per prefix, e.g. ``imazu-{01..05,07}``, so the passed runs of
    the bundled sets fit in a few lines; other ids as they are, in their order."""
    import re

    groups: dict[str, list[str]] = {}
    for i in ids:
        m = re.fullmatch(r"(.*?)(\d+)", i)
        groups.setdefault(m.group(1) if m else i, []).append(m.group(2) if m else "")
    parts = []
    for prefix, nums in groups.items():
        if len(nums) < 3 or "" in nums:
            parts += [prefix + n for n in nums]
            continue
        nums = sorted(nums, key=int)
        ranges: list[list[str]] = []
        for n in nums:
            if ranges and int(n) == int(ranges[-1][-1]) + 1:
                ranges[-1].append(n)
            else:
                ranges.append([n])
        spans = [r[0] if len(r) == 1 else f"{r[0]}..{r[-1]}" for r in ranges]
        parts.append(f"{prefix}{{{','.join(spans)}}}")
    return ", ".join(parts)


def summary_lines(report: dict[str, Any], out_dir: Path) -> list[str]:
    """A one-screen summary of a run report: counts, what passed, each failure in one line
    with its first failed gate (and how many more), errors, and where the reports are."""
    import textwrap

    runs = report.get("runs") or []
    errors = report.get("errors") or []
    passed = [r for r in runs if r.get("passed")]
    failed = [r for r in runs if not r.get("passed")]
    out = [
        f"== autoship run summary: {out_dir} ==",
        # Collisions and groundings of failed runs only: a negative test's expected grounding
        # passed and is not a reason for the failures.
        f"{len(runs)} runs: {len(passed)} passed, {len(failed)} failed "
        f"({sum(bool(r.get('collision')) for r in failed)} with a collision, "
        f"{sum(bool(r.get('grounding')) for r in failed)} with a grounding), "
        f"{len(errors)} errors; profile {report.get('profile')}",
    ]
    if passed:
        neg = [r for r in passed if r.get("negative_test")]
        names = compact_ids([str(r.get("scenario_id")) for r in passed])
        out += textwrap.wrap(
            f"passed: {names}", SUMMARY_WIDTH, subsequent_indent="  ", break_on_hyphens=False
        )
        if neg:
            out += textwrap.wrap(
                "(negative tests, passed because the expected failure happened: "
                + ", ".join(str(r.get("scenario_id")) for r in neg)
                + ")",
                SUMMARY_WIDTH,
                initial_indent="  ",
                subsequent_indent="  ",
                break_on_hyphens=False,
            )
    if failed:
        out.append("failed (scenario, planner: first failed gate):")
        for r in failed[:SUMMARY_MAX_FAILED]:
            gates = r.get("failed_gates") or ["failed"]
            more = f" (+{len(gates) - 1} more)" if len(gates) > 1 else ""
            head = f"  {r.get('scenario_id')} {r.get('planner')}: "
            width = SUMMARY_WIDTH - len(head) - len(more)
            out.append(head + _one_line(gates[0], max(width, 20)) + more)
        if len(failed) > SUMMARY_MAX_FAILED:
            out.append(f"  ... and {len(failed) - SUMMARY_MAX_FAILED} more failed runs")
    for e in errors[:5]:
        out.append(_one_line(f"ERROR {e.get('error')}"))
    if len(errors) > 5:
        out.append(f"  ... and {len(errors) - 5} more errors")
    files = [
        (name, what)
        for name, what in (
            ("report.md", "readable report"),
            ("junit.xml", "JUnit for CI"),
            ("report.json", "full JSON"),
        )
        if (out_dir / name).is_file()
    ]
    out.append("reports:")
    out += [f"  {out_dir / name} ({what})" for name, what in files]
    if failed:
        first = failed[0]
        where = first.get("run_dir") or out_dir / str(first.get("scenario_id"))
        out.append(f"look at a failure: autoship view {where}")
    return out


def _run_summary(args: argparse.Namespace) -> int:
    path = args.dir / "report.json"
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AutoshipError(f"cannot read: {exc}", file=str(path)) from None
    if not isinstance(report, dict) or not isinstance(report.get("runs"), list):
        raise AutoshipError("not a run report (no runs list)", file=str(path))
    print("\n".join(summary_lines(report, args.dir)))
    if args.fail_on == "never":
        return 0
    runs = report["runs"]
    if args.fail_on == "collision":
        bad = any(not r.get("passed") and (r.get("collision") or r.get("grounding")) for r in runs)
    else:
        bad = any(not r.get("passed") for r in runs)
    return 1 if (bad or report.get("errors")) else 0
