"""One vocabulary of flags across commands: ``--out`` is always a folder, ``--json FILE``,
``--markdown FILE``, ``--junit FILE`` write reports, ``--png`` one picture, ``--plots DIR`` a
folder of them. Old spellings stay as deprecated aliases for one release: they still work and
say once, on stderr, what to use instead."""

from __future__ import annotations

import argparse
import sys
from typing import Any


class _Deprecated(argparse.Action):
    """Store into ``dest`` like the new flag, after a one-line warning naming it."""

    def __init__(self, *args: Any, new: str = "", **kwargs: Any) -> None:
        self.new = new
        super().__init__(*args, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # noqa: ANN001
        print(f"autoship: warning: {option_string} is deprecated; use {self.new}", file=sys.stderr)
        setattr(namespace, self.dest, values)


def deprecated_alias(p: argparse.ArgumentParser, old: str, new: str, dest: str, **kw: Any) -> None:
    """Accept ``old`` as a hidden alias of the flag ``new`` (same ``dest``)."""
    p.add_argument(old, dest=dest, action=_Deprecated, new=new, help=argparse.SUPPRESS, **kw)
