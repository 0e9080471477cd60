"""Strict reading of TOML tables: every key checked, leftovers are errors naming the dotted key.

Shared by the scenario loader, the sweep files and any other file format a user writes.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from autoship.errors import AutoshipError

# Limits every user-written TOML file shares (docs/architecture.md, "Input limits"): a scenario,
# sweep or ship file is a few kB; anything this large is not one, and reading it whole would
# only waste memory before the first key is checked.
MAX_TOML_BYTES = 4_000_000
# tomllib recurses once per nesting level; Python's default stack allows ~1000, so a deeper
# nesting would raise RecursionError inside the parser. No file format of ours nests past 4.
MAX_TOML_NESTING = 64
MAX_PATH_CHARS = 4096
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _nesting_depth(text: str) -> int:
    """Deepest bracket/brace nesting outside strings and comments (an upper bound is enough:
    a bracket inside a string may count, which only makes the check stricter there)."""
    depth = best = 0
    quote = ""
    comment = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if comment:
            if c == "\n":
                comment = False
        elif quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "#":
            comment = True
        elif c in "[{":
            depth += 1
            best = max(best, depth)
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return best


def parse_toml(text: str, file: str, error: type[AutoshipError] = AutoshipError) -> dict:
    """TOML text -> dict, every failure one ``error`` naming ``file`` (never RecursionError)."""
    if len(text) > MAX_TOML_BYTES:
        raise error(f"{len(text)} characters is too large (limit {MAX_TOML_BYTES})", file=file)
    if _nesting_depth(text) > MAX_TOML_NESTING:
        raise error(f"arrays or tables nested deeper than {MAX_TOML_NESTING} levels", file=file)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"invalid TOML: {exc}", file=file) from None
    except (RecursionError, ValueError, OverflowError) as exc:  # belt and braces
        raise error(f"invalid TOML: {type(exc).__name__}: {exc}", file=file) from None


def read_text(path: Path, file: str, error: type[AutoshipError] = AutoshipError) -> str:
    """A user's UTF-8 text file, every failure (missing, a folder, not UTF-8, too large, a NUL
    in the name) one ``error`` naming ``file``."""
    check_path_text(str(path), file, None, error)
    try:
        if path.is_dir():
            raise error("is a folder, not a file", file=file)
        size = path.stat().st_size
        if size > MAX_TOML_BYTES:
            raise error(f"{size} bytes is too large (limit {MAX_TOML_BYTES})", file=file)
        data = path.read_bytes()
    except FileNotFoundError:
        raise error("file not found", file=file) from None
    except (OSError, ValueError) as exc:
        raise error(f"cannot read: {exc}", file=file) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text (byte {exc.start})", file=file) from None


def check_path_text(
    text: str, file: str | None, field: str | None, error: type[AutoshipError] = AutoshipError
) -> str:
    """A path written by a user: no control characters (a NUL makes every OS call raise
    ValueError) and a sane length."""
    if _CONTROL.search(text):
        raise error("path contains a control character (e.g. NUL)", file=file, field=field)
    if not text.strip():
        raise error("path is empty", file=file, field=field)
    if len(text) > MAX_PATH_CHARS:
        raise error(f"path longer than {MAX_PATH_CHARS} characters", file=file, field=field)
    return text


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
        try:
            v = float(v)
        except OverflowError:  # a TOML integer with hundreds of digits
            v = math.inf
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

    def path(self, k: str, required: bool = True) -> str | None:
        """A string naming a file (checked by ``check_path_text``)."""
        v = self.string(k, required=required)
        if v is None:
            return None
        return check_path_text(v, self.file, self.key(k), self.error)

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


# --- writing (autoship.scenario.dump) ---

_TOML_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_string(s: str) -> str:
    """A TOML basic string (the one writer's, autoship.scenario.dump; kept here, at the bottom
    layer beside the reader, so AIS mining can use it too)."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif o < 0x20 or o == 0x7F:  # TOML forbids raw control characters in basic strings
            out.append(f"\\u{o:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_key(k: str) -> str:
    return k if _TOML_BARE_KEY.match(k) else toml_string(k)


def toml_value(v: Any) -> str:
    """A TOML value: shortest exact floats, escaped strings, inline tables and arrays."""
    if isinstance(v, bool):  # before int: bool is an int
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        # repr is the shortest text that reads back as the same double; TOML spells the
        # non-finite ones inf / -inf / nan, as repr does.
        return repr(v)
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, Path):
        return toml_string(v.as_posix())
    if isinstance(v, Mapping):
        return (
            "{ " + ", ".join(f"{toml_key(str(k))} = {toml_value(x)}" for k, x in v.items()) + " }"
        )
    if isinstance(v, Sequence):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    # numpy scalars and the like: their Python value, never their repr ("np.float64(1.0)").
    item = getattr(v, "item", None)
    if callable(item):
        return toml_value(item())
    raise TypeError(f"cannot write {type(v).__name__} as TOML")
