"""The one ``autoship`` command. Subcommands live in sibling modules with add_parser()/run()."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from autoship import __version__
from autoship.errors import AutoshipError

# Subcommand modules, in help order. Speed comparisons live in benchmarks/ (`make bench`).
SUBCOMMANDS = (
    "run",
    "scenario",
    "score",
    "referee",
    "manoeuvre",
    "chart",
    "ais",
    "view",
    "sweep",
    "dataset",
    "report",
    "falsify",
    "schema",
    "warm-up",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autoship",
        description="Autonomous ship navigation and collision-avoidance simulator.",
    )
    parser.add_argument("--version", action="version", version=f"autoship {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"autoship.cli.{name.replace('-', '')}")
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors are exit 2, --help is 0
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except AutoshipError as exc:
        if args.debug:
            raise
        print(f"autoship: error: {exc.one_line()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("autoship: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def entry() -> None:
    sys.exit(main())
