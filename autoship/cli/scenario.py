"""``autoship scenario check PATH...``: validate scenario files without running them;
``autoship scenario schema``: print the scenario files' JSON Schema (for editors)."""

from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    p = sub.add_parser("scenario", help="work with scenario files")
    ssub = p.add_subparsers(dest="scenario_command", metavar="ACTION", required=True)
    c = ssub.add_parser("check", help="validate scenario files (exit 2 on the first bad one)")
    c.add_argument("paths", nargs="+", metavar="PATH", help="scenario file or folder")
    c.set_defaults(func=run_check)
    s = ssub.add_parser("schema", help="print the JSON Schema of scenario files (for editors)")
    s.set_defaults(func=run_schema)


def run_schema(args: argparse.Namespace) -> int:
    from autoship.record.schema import schema_text

    print(schema_text("scenario"), end="")
    return 0


def run_check(args: argparse.Namespace) -> int:
    # Imported here so that building the CLI parser (e.g. for `autoship view`) loads no kernels.
    from autoship.scenario import find_scenarios, load_scenario
    from autoship.sweep.batch import chart_check
    from autoship.sweep.generators import check_runnable

    files = find_scenarios(args.paths)
    for f in files:
        # Exactly what `autoship run` checks before it starts: the file, its chart, and every
        # ship's planner built with its planner_params.
        check_runnable(load_scenario(f, check_chart=chart_check))
    print(f"{len(files)} scenario file(s) OK")
    return 0
