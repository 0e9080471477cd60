"""``autoship referee calibrate RECORDING [--chart CHART] [--profile NAME] [--json FILE]
[--markdown FILE] [--start S] [--duration S]``: how the referee judges recorded traffic
(specificity on real mariners) and violations injected into it (sensitivity), with Wilson 95 %
intervals. Exit 0 when both goals are met, 1 when not, 2 on bad input."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from autoship.errors import AutoshipError

DEFAULT_PROFILE = "harbour"  # recordings are coastal and harbour traffic


def add_parser(sub) -> None:
    p = sub.add_parser(
        "referee",
        help="check the referee itself (calibration on recorded AIS traffic)",
        description="Checks of the COLREG referee.",
    )
    rsub = p.add_subparsers(dest="referee_command", metavar="ACTION")
    c = rsub.add_parser(
        "calibrate",
        help="specificity on recorded encounters and sensitivity to injected violations",
        description="Replay an AIS recording, take every moving ship in turn as the ship under "
        "test and score all its encounters (specificity: recorded encounters that pass the "
        "gates); inject violations into the same recorded tracks (sensitivity: injected "
        "violations that fail on the right rule). Goals: 90 %% and 95 %%.",
    )
    c.add_argument("recording", type=Path, metavar="RECORDING", help="AIS file (NMEA or CSV)")
    c.add_argument("--chart", type=Path, metavar="CHART", help="chart (S-57 .000 or GeoJSON)")
    c.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        help=f"scoring profile name or .toml file (default: {DEFAULT_PROFILE})",
    )
    c.add_argument("--json", type=Path, metavar="FILE", help="write the JSON report to FILE")
    c.add_argument("--markdown", type=Path, metavar="FILE", help="write a Markdown summary")
    c.add_argument(
        "--start", type=float, metavar="S", help="seconds after the first report to start at"
    )
    c.add_argument("--duration", type=float, metavar="S", help="seconds of recording to use")
    c.set_defaults(func=run)
    p.set_defaults(func=lambda args: _no_action(p))


def _no_action(p: argparse.ArgumentParser) -> int:
    p.print_help(sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from autoship.colregs import load_profile
    from autoship.metrics.calibrate import (
        DEFAULT_DRAUGHT_M,
        calibrate,
        load_recording,
        markdown,
        reason_groups,
    )

    for out in (args.json, args.markdown):
        if out is not None and not out.parent.is_dir():
            raise AutoshipError("output folder does not exist", file=str(out))
    profile = load_profile(args.profile)
    rec = load_recording(args.recording, args.start, args.duration)
    chart = None
    land = None
    if args.chart is not None:
        from autoship.charts import load_chart

        ch = load_chart(args.chart, rec.frame)
        # The referee's navigational test reads chart.json; the placeholder draught plus the
        # harbour under-keel clearance decides which shoals count.
        chart = ch.to_viewer_json(draught_m=DEFAULT_DRAUGHT_M, ukc_m=0.5)
        land = ch.is_land
    report = calibrate(rec, profile, chart=chart, land=land)
    if args.chart is not None:
        report["chart"] = str(args.chart)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(markdown(report), encoding="utf-8")

    def line(name: str, r: dict) -> str:
        if r["rate"] is None:
            return f"{name:<44} -      (0/{r['total']})"
        return (
            f"{name:<44} {100 * r['rate']:5.1f} % ({r['passed']}/{r['total']}, Wilson 95 % "
            f"{100 * r['wilson_lo']:.1f}-{100 * r['wilson_hi']:.1f} %)"
        )

    print(
        f"{rec.source}: profile {report['profile']}, {report['ships_under_test']} of "
        f"{report['ships']} tracks under test, window {report['window_s'][0]:.0f}-"
        f"{report['window_s'][1]:.0f} s"
    )
    print(line("specificity (recorded encounters pass)", report["specificity"]))
    sens = report["sensitivity"]
    print(line("sensitivity (injected violations fail)", sens["overall"]))
    for r in sens["by_class"].values():
        print(line(f"  {r['label']}", r))
    groups = reason_groups(report["failing_recorded"])
    if groups:
        print(f"{len(report['failing_recorded'])} recorded encounters fail; top reasons:")
        for text, n in groups[:8]:
            print(f"  {n:4d}  {text}")
    print("goals met" if report["goals"]["met"] else "goals not met")
    return 0 if report["goals"]["met"] else 1
