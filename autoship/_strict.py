"""Strict reading of TOML tables: every key checked, leftovers are errors naming the dotted key.

Shared by the scenario loader, the sweep files and any other file format a user writes.
"""

from __future__ import annotations

import math
import re
from typing import Any

from autoship.errors import AutoshipError


def type_name(v: Any) -> str:
    """TOML's name for a value's type, for messages."""
    return {
        bool: "boolean",
        int: "integer",
        float: "float",
        str: "string",
        list: "array",
        dict: "table",
    }.get(type(v), type(v).__name__)


class StrictTable:
    """Reads keys from one TOML table, tracking which were used so leftovers are errors.

    Errors are ``error(message, file=file, field="prefix.key")``: one line naming the file and
    the dotted key.
    """

    def __init__(
        self, file: str, tbl: Any, prefix: str, error: type[AutoshipError] = AutoshipError
    ) -> None:
        self.file, self.prefix, self.error = file, prefix, error
        if not isinstance(tbl, dict):
            raise error(f"must be a table, got {type_name(tbl)}", file=file, field=prefix)
        self.tbl, self.used = tbl, set()

    def key(self, k: str) -> str:
        return f"{self.prefix}.{k}" if self.prefix else k

    def fail(self, k: str, msg: str) -> AutoshipError:
        """The error for key ``k`` of this table (raise it)."""
        return self.error(msg, file=self.file, field=self.key(k))

    def has(self, k: str) -> bool:
        return k in self.tbl

    def _get(self, k: str, required: bool) -> Any:
        self.used.add(k)
        if k not in self.tbl:
            if required:
                raise self.fail(k, "missing required key")
            return None
        return self.tbl[k]

    def raw(self, k: str) -> Any:
        return self._get(k, False)

    def number(
        self,
        k: str,
        lo: float,
        hi: float,
        required: bool = True,
        default: float | None = None,
        lo_open: bool = False,
        unit: str = "",
    ) -> float:
        v = self._get(k, required)
        if v is None:
            return default  # type: ignore[return-value]
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise self.fail(k, f"must be a number, got {type_name(v)}")
        v = float(v)
        if not math.isfinite(v) or v > hi or v < lo or (lo_open and v == lo):
            lo_s = f"> {lo:g}" if lo_open else f">= {lo:g}"
            raise self.fail(k, f"{v:g}{unit} is impossible (must be {lo_s} and <= {hi:g}{unit})")
        return v

    def integer(
        self, k: str, lo: int, hi: int, required: bool = True, default: int | None = None
    ) -> int | None:
        v = self._get(k, required)
        if v is None:
            return default
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.fail(k, f"must be an integer, got {type_name(v)}")
        if not lo <= v <= hi:
            raise self.fail(k, f"{v} is outside [{lo}, {hi}]")
        return v

    def string(
        self,
        k: str,
        required: bool = True,
        default: str | None = None,
        choices: tuple[str, ...] | None = None,
        pattern: re.Pattern[str] | None = None,
    ) -> str | None:
        v = self._get(k, required)
        if v is None:
            return default
        if not isinstance(v, str):
            raise self.fail(k, f"must be a string, got {type_name(v)}")
        if choices is not None and v not in choices:
            raise self.fail(k, f"{v!r} is not one of {', '.join(choices)}")
        if pattern is not None and not pattern.match(v):
            raise self.fail(k, f"{v!r} is not a valid identifier (letters, digits, '.', '_', '-')")
        return v

    def boolean(self, k: str, default: bool) -> bool:
        v = self._get(k, False)
        if v is None:
            return default
        if not isinstance(v, bool):
            raise self.fail(k, f"must be true or false, got {type_name(v)}")
        return v

    def table(self, k: str, required: bool = False) -> StrictTable | None:
        v = self._get(k, required)
        if v is None:
            return None
        return type(self)(self.file, v, self.key(k), self.error)

    def finish(self) -> None:
        extra = sorted(set(self.tbl) - self.used)
        if extra:
            raise self.fail(extra[0], "unknown key")
