"""``autoship schema NAME``: print a versioned JSON Schema (scenario, run-meta, event, score,
report) for editors and other tools (docs/api.md)."""

from __future__ import annotations

import argparse

from autoship.record.schema import SCHEMA_NAMES


def add_parser(sub) -> None:
    p = sub.add_parser(
        "schema",
        help="print a JSON Schema (scenario files, run metadata, events, scores, reports)",
    )
    p.add_argument("name", choices=SCHEMA_NAMES, help="which schema")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from autoship.record.schema import schema_text

    print(schema_text(args.name), end="")
    return 0
