"""The fuzz suite's engine: seeded mutators per format and the CLI contract checker.

Every input is derived from a bundled file by a few seeded mutations, run once through the CLI
in-process (``autoship.cli.main.main(argv)``) and classified:

- ``clean``: exit 2 with exactly one stderr line ``autoship: error: ...`` (the promised form);
- ``accepted``: exit 0 or 1, and the format's sanity oracle found nothing wrong;
- ``traceback``: an exception escaped ``main`` (what the issue calls a crash);
- ``bad_error``: exit 2 without the one-line form, or another exit code;
- ``wrong``: accepted, but the oracle found a result that is not sane (a silent lie);
- ``hang``: (long mode only) no answer within ``HANG_S``.

The CI part runs ``budget(n)`` inputs per format; ``AUTOSHIP_FUZZ_LONG=1`` raises that to
``AUTOSHIP_FUZZ_N`` (default 10,000) for local runs, with a per-input hang guard.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import random
import re
import signal
import traceback
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import xor
from pathlib import Path

from autoship.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
LONG = os.environ.get("AUTOSHIP_FUZZ_LONG", "") not in ("", "0")
HANG_S = 60
KINDS = ("clean", "accepted", "traceback", "bad_error", "wrong", "hang")
# format -> Counter of outcome kinds; printed as a table by conftest.py at the end of the run.
STATS: dict[str, Counter] = {}


def budget(ci: int) -> int:
    """Inputs per format: ``ci`` in the default suite, AUTOSHIP_FUZZ_N (10,000) in long mode."""
    if LONG:
        return int(os.environ.get("AUTOSHIP_FUZZ_N", "10000"))
    return ci


@dataclass
class Outcome:
    kind: str
    code: int | None
    out: str
    err: str
    detail: str = ""


class _HangError(Exception):
    pass


def _on_alarm(signum, frame):  # pragma: no cover - only when something hangs
    raise _HangError()


def run_cli(argv: Sequence[str]) -> Outcome:
    """One CLI call in-process; never raises (an escaped exception is the ``traceback`` kind)."""
    out, err = io.StringIO(), io.StringIO()
    guard = LONG and hasattr(signal, "SIGALRM")
    if guard:
        old = signal.signal(signal.SIGALRM, _on_alarm)
        signal.alarm(HANG_S)
    try:
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore")  # warnings are reported in the output, not here
            code = main(list(argv))
    except _HangError:
        return Outcome("hang", None, out.getvalue(), err.getvalue(), f"no answer in {HANG_S} s")
    except BaseException as exc:  # noqa: BLE001 - exactly what the contract forbids
        tb = traceback.format_exception(exc)
        return Outcome("traceback", None, out.getvalue(), err.getvalue(), "".join(tb[-3:]))
    finally:
        if guard:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
    e = err.getvalue()
    if code == 2:
        lines = e.strip("\n").split("\n")
        ok = (
            len(lines) == 1
            and lines[0].startswith("autoship: error: ")
            and len(lines[0]) > len("autoship: error: ")
            and "Traceback" not in e
        )
        return Outcome("clean" if ok else "bad_error", code, out.getvalue(), e, e[:300])
    if code in (0, 1):
        return Outcome("accepted", code, out.getvalue(), e)
    return Outcome("bad_error", code, out.getvalue(), e, f"exit code {code}")


@dataclass
class Campaign:
    """Runs one format's inputs, keeps the counts and the first few failures."""

    name: str
    failures: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        STATS.setdefault(self.name, Counter())

    def record(self, i: int, outcome: Outcome, input_path: Path, keep_dir: Path) -> None:
        STATS[self.name][outcome.kind] += 1
        STATS[self.name]["inputs"] += 1
        if outcome.kind in ("clean", "accepted"):
            return
        if len(self.failures) < 8:
            kept = keep_dir / f"{self.name}-{i}{''.join(input_path.suffixes)}"
            with contextlib.suppress(OSError):
                kept.write_bytes(input_path.read_bytes())
            self.failures.append(f"input {i} ({kept}): {outcome.kind}: {outcome.detail}")

    def check(self, i: int, outcome: Outcome, oracle: Callable[[Outcome], str | None]) -> Outcome:
        """Apply the sanity oracle to an accepted input (a message means accepted-but-wrong)."""
        if outcome.kind != "accepted":
            return outcome
        try:
            why = oracle(outcome)
        except Exception as exc:  # noqa: BLE001 - an oracle crash is a finding too
            why = f"oracle raised {type(exc).__name__}: {exc}"
        if why:
            return Outcome("wrong", outcome.code, outcome.out, outcome.err, why)
        return outcome

    def assert_clean(self) -> None:
        assert not self.failures, f"{self.name}: " + "\n".join(self.failures)


# --------------------------------------------------------------------------- text mutations

NUMBER_RE = re.compile(r"(?<![\w.])[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])")

INTERESTING_NUMBERS = [
    "0",
    "-0.0",
    "-1",
    "1",
    "2",
    "0.5",
    "1e-9",
    "5e-324",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "nan",
    "inf",
    "-inf",
    "200",
    "-200",
    "91",
    "360",
    "361",
    "1000",
    "100001",
    "2147483648",
    "99999999999999999999999",
    "9" * 5000,
    "3.5",
    "1e6",
    "7e5",
]
INTERESTING_TOML = [
    *INTERESTING_NUMBERS,
    "true",
    "false",
    '""',
    '"x"',
    '"\\u0000"',
    '"a\\u0000b.toml"',
    '"../nope.toml"',
    '"."',
    '"/"',
    '"/dev/null"',
    "[]",
    "{}",
    "[1, 2]",
    '["x"]',
    "{foo = 1}",
    "{north_m = 1e7, east_m = 0}",
    "{north_m = 1.5e7, east_m = 0}",
    "{lat_deg = 0, lon_deg = 0}",
    "{lat_deg = 89, lon_deg = 180}",
    "1979-05-27T07:32:00Z",
    '"\u0661\u0662\u0663"',
    '"nope"',
    '"sbmpc"',
    '"vo"',
    '"keep-course"',
    '"waypoint"',
    '"replay"',
    '"generic-cargo"',
    '"kvlcc2"',
    '"' + "a" * 5000 + '"',
    "[" * 3000 + "]" * 3000,
    "[" * 60 + "]" * 60,
    "{ a = " * 200 + "1" + " }" * 200,
]
EXTRA_TOML_LINES = [
    "foo = 1",
    "[extra]",
    "[[ship]]",
    "[scenario]",
    "[chart]",
    'path = "nope.geojson"',
    "planner_params = {foo = 1}",
    "x = " + "[" * 5000 + "]" * 5000,
    "\x00",
    "\ufeff",
    'model = "/"',
    'track = "/etc"',
    "dt_s = 5e-324",
    "beam_m = 1e-9",
    "samples = 12",
    "n_targets = 20",
    "default_points = 1000",
]


def mutate_number(rng: random.Random, s: str) -> str:
    """A number turned into an edge value or a scaled version of itself."""
    if rng.random() < 0.6:
        return rng.choice(INTERESTING_NUMBERS)
    try:
        v = float(s)
    except ValueError:
        return rng.choice(INTERESTING_NUMBERS)
    op = rng.choice(("x10", "/10", "neg", "+1", "x1000", "/1e6"))
    w = {
        "x10": v * 10,
        "/10": v / 10,
        "neg": -v,
        "+1": v + 1,
        "x1000": v * 1000,
        "/1e6": v / 1e6,
    }[op]
    if "." not in s and "e" not in s.lower() and w == int(w) and abs(w) < 1e18:
        return str(int(w))
    return repr(w)


def mutate_toml(rng: random.Random, text: str, n_ops: int | None = None) -> str:
    lines = text.split("\n")
    for _ in range(n_ops or rng.randint(1, 3)):
        op = rng.random()
        k = rng.randrange(len(lines)) if lines else 0
        if not lines:
            lines = [rng.choice(EXTRA_TOML_LINES)]
        elif op < 0.35:  # a value
            m = re.match(r"^(\s*[\w.\"-]+\s*=\s*)(.*)$", lines[k])
            if m:
                lines[k] = m.group(1) + rng.choice(INTERESTING_TOML)
        elif op < 0.55:  # a number anywhere on the line
            nums = list(NUMBER_RE.finditer(lines[k]))
            if nums:
                m = rng.choice(nums)
                lines[k] = (
                    lines[k][: m.start()] + mutate_number(rng, m.group()) + lines[k][m.end() :]
                )
        elif op < 0.63:
            del lines[k]
        elif op < 0.7:
            lines.insert(k, lines[k])
        elif op < 0.8:
            lines.insert(k, rng.choice(EXTRA_TOML_LINES))
        elif op < 0.87:
            j = rng.randrange(len(lines))
            lines[k], lines[j] = lines[j], lines[k]
        elif op < 0.94 and lines[k]:
            c = rng.randrange(len(lines[k]))
            ch = rng.choice(["\x00", "\\", '"', "'", "[", "]", "=", "#", "\u00e9", "\ud7ff", "9"])
            lines[k] = lines[k][:c] + ch + lines[k][c + 1 :]
        else:
            joined = "\n".join(lines)
            lines = joined[: rng.randrange(len(joined) + 1)].split("\n")
    return "\n".join(lines)


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    """Raw damage: flipped bytes, inserted binary, truncation."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        op = rng.random()
        if not b:
            b += bytes(rng.randrange(256) for _ in range(8))
        elif op < 0.4:
            b[rng.randrange(len(b))] = rng.randrange(256)
        elif op < 0.7:
            k = rng.randrange(len(b))
            b[k:k] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        else:
            del b[rng.randrange(len(b)) :]
    return bytes(b)


def maybe_gzip(rng: random.Random, data: bytes, p: float = 0.1) -> tuple[bytes, bool]:
    """Sometimes gzip the input; sometimes corrupt or cut the gzip stream."""
    if rng.random() >= p:
        return data, False
    z = gzip.compress(data, mtime=0)
    r = rng.random()
    if r < 0.3 and len(z) > 20:
        z = z[: rng.randrange(10, len(z))]
    elif r < 0.6 and len(z) > 20:
        zb = bytearray(z)
        for _ in range(3):
            zb[rng.randrange(10, len(zb))] = rng.randrange(256)
        z = bytes(zb)
    return z, True


# --------------------------------------------------------------------------- NMEA


def nmea_checksum(body: bytes) -> bytes:
    return f"{reduce(xor, body, 0):02X}".encode()


def _fix(sentence: bytes) -> bytes:
    """Recompute the checksum of ``!...*hh`` (so mutations reach the decoder)."""
    star = sentence.rfind(b"*")
    if sentence[:1] not in (b"!", b"$") or star < 0:
        return sentence
    return sentence[:star] + b"*" + nmea_checksum(sentence[1:star]) + sentence[star + 3 :]


AIS_TIMES = [
    b"0",
    b"-1",
    b"inf",
    b"nan",
    b"1e15",
    b"99999999999",
    b"10000000000",
    b"4102444800",
    b"946684799",
    b"1453000000",
    b"1453000000000",
    b"1e308",
    b"\xd9\xa1",
]
_SIXBIT = b"0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw"


def mutate_nmea(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 4)):
        k = rng.randrange(len(lines)) if lines else 0
        if not lines:
            lines = [b""]
        line = lines[k].rstrip(b"\r")
        op = rng.random()
        if op < 0.3 and b"*" in line:  # payload character, checksum fixed
            head = line.split(b"\\")[-1]
            parts = head.split(b",")
            if len(parts) >= 6 and parts[5]:
                pay = bytearray(parts[5])
                for _ in range(rng.randint(1, 4)):
                    pay[rng.randrange(len(pay))] = rng.choice(_SIXBIT)
                if rng.random() < 0.2:
                    pay = pay[: rng.randrange(len(pay) + 1)]
                parts[5] = bytes(pay)
                if rng.random() < 0.2:  # fragment count/number/fill bits
                    i = rng.choice((1, 2, 6))
                    if i < len(parts):
                        parts[i] = rng.choice([b"0", b"1", b"2", b"9", b"", b"x"]) + (
                            parts[i][1:] if i == 6 else b""
                        )
                new = _fix(b",".join(parts))
                line = line[: len(line) - len(head)] + new
        elif op < 0.45:  # a tag block time
            t = rng.choice(AIS_TIMES)
            tag = b"c:" + t
            tag += b"*" + nmea_checksum(tag)
            sentence = line.split(b"\\")[-1]
            line = b"\\" + tag + b"\\" + sentence
        elif op < 0.52:  # a Gatehouse time line before the sentence
            f = [rng.choice([b"2016", b"0", b"9999", b"10000", b"1969", b"-5", b"2286"])]
            f += [str(rng.choice([0, 1, 12, 13, 31, 99])).encode() for _ in range(5)]
            f += [str(rng.choice([0, 59, 60, 61, 999, 1000])).encode()]
            body = b"PGHP,1," + b",".join(f) + b",0,0,,,,"
            lines.insert(k, b"$" + body + b"*" + nmea_checksum(body))
            continue
        elif op < 0.58 and b"*" in line:  # USCG trailer time
            line = line.split(b"*")[0] + b"*" + line.split(b"*")[1][:2]
            line = _fix(line) + b",s1,d-100,T1," + rng.choice(AIS_TIMES + [b"9999999999"])
        elif op < 0.66:
            del lines[k]
            continue
        elif op < 0.72:
            lines.insert(k, line)
            continue
        elif op < 0.78:
            j = rng.randrange(len(lines))
            lines[k], lines[j] = lines[j], line
            continue
        elif op < 0.88:
            lines[k] = mutate_bytes(rng, line)
            continue
        elif op < 0.94:
            lines.insert(k, rng.choice([b"\x00" * 10, b"\xff\xfe", b"!AIVDM", b"\\", b"#"]))
            continue
        else:
            lines = lines[: rng.randrange(len(lines) + 1)]
            continue
        lines[k] = line
    return b"\n".join(lines)


# --------------------------------------------------------------------------- CSV

CSV_CELLS = [
    "",
    "nan",
    "inf",
    "-inf",
    "1e400",
    "\u0661\u0662\u0663",
    "\u00b2",
    "9" * 5000,
    "0.5",
    "235000000.5",
    "-1",
    "0",
    "1000000000",
    "1073741823",
    "91",
    "181",
    "200",
    "-200",
    "abc",
    "1_000",
    "0x10",
    "1e5",
    "\x00",
    " 5 ",
    '"a,b"',
    "2286-01-01T00:00:00",
    "2286-01-01 00:00:00",
    "1970-01-01 00:00:00",
    "1970-01-01T00:00:00",
    "33658-01-01T00:00:00",
    "0000-00-00",
    "2016-01-12 13:02:11+05:00",
    "12/01/2016 13:02:11",
    "31/12/9999 23:59:59",
    "2016-13-45T99:99:99",
    "NaT",
    "600",
    "1022",
]


def mutate_csv(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", "replace")
    lines = text.split("\n")
    delim = ";" if lines and lines[0].count(";") > lines[0].count(",") else ","
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        if len(lines) < 2:
            lines.append(delim.join(rng.choice(CSV_CELLS) for _ in range(6)))
            continue
        k = rng.randrange(1, len(lines))
        if op < 0.6:
            cells = lines[k].split(delim)
            c = rng.randrange(len(cells))
            cells[c] = rng.choice(CSV_CELLS)
            lines[k] = delim.join(cells)
        elif op < 0.65:  # the header
            cells = lines[0].split(delim)
            c = rng.randrange(len(cells))
            cells[c] = rng.choice(["", "x", cells[c].upper(), "mmsi", "time", "lat"])
            lines[0] = delim.join(cells)
        elif op < 0.72:
            cells = lines[k].split(delim)
            del cells[rng.randrange(len(cells))]
            lines[k] = delim.join(cells)
        elif op < 0.78:
            lines[k] += delim + rng.choice(CSV_CELLS)
        elif op < 0.84:
            del lines[k]
        elif op < 0.9:
            lines.insert(k, lines[k])
        elif op < 0.96:
            lines[k] = mutate_bytes(rng, lines[k].encode()).decode("utf-8", "replace")
        else:
            lines = lines[: rng.randrange(1, len(lines) + 1)]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


# --------------------------------------------------------------------------- GeoJSON

JSON_VALUES = [
    None,
    "x",
    float("nan"),
    float("inf"),
    200.0,
    -91.0,
    1e300,
    [],
    {},
    [1.0],
    [1.0, 2.0, 3.0, 4.0],
    True,
    0,
    -1,
    "1.5",
    [[0.0, 0.0]],
]


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


def _get(node, path):
    for p in path:
        node = node[p]
    return node


def mutate_geojson(rng: random.Random, data: bytes) -> bytes:
    try:
        doc = json.loads(data)
    except ValueError:
        return mutate_bytes(rng, data)
    for _ in range(rng.randint(1, 3)):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = rng.choice(paths)
        parent = _get(doc, path[:-1])
        key = path[-1]
        op = rng.random()
        if op < 0.4:
            parent[key] = rng.choice(JSON_VALUES)
        elif op < 0.55 and isinstance(parent, list) and len(parent) > 0:
            del parent[key]  # short lines, unclosed or short rings, missing features
        elif op < 0.62 and isinstance(parent, list):
            parent.insert(key, parent[key])
        elif (
            op < 0.72
            and isinstance(parent[key], (int, float))
            and not isinstance(parent[key], bool)
        ):
            parent[key] = rng.choice([parent[key] + 360, -parent[key], parent[key] * 1e6, 90.5])
        elif op < 0.78 and isinstance(parent[key], str):
            parent[key] = rng.choice(
                ["Point", "LineString", "Polygon", "MultiPolygon", "GeometryCollection", "Nope"]
            )
        elif op < 0.86:
            doc["crs"] = rng.choice(
                [
                    {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
                    {"type": "name", "properties": {"name": "urn:foo:unknown"}},
                    {"type": "name", "properties": {"name": "EPSG:27700"}},
                    {"type": "name", "properties": {}},
                    "CRS84",
                ]
            )
        elif op < 0.93 and isinstance(doc, dict) and isinstance(doc.get("features"), list):
            props = rng.choice(
                [
                    {"drval1": "deep"},
                    {"drval1": -5},
                    {"drval1": 1e9},
                    {"kind": 3},
                    {"kind": "hazard", "valsou": None},
                    {"depth_m": True},
                    {"kind": "depth", "drval1": 10, "drval2": 5},
                ]
            )
            feats = doc["features"]
            if feats and isinstance(feats[0], dict):
                feats[rng.randrange(len(feats))]["properties"] = props
        else:
            text = json.dumps(doc)
            return mutate_bytes(rng, text.encode())
    return json.dumps(doc).encode()


# --------------------------------------------------------------------------- helpers


def absolutize_paths(text: str, base: Path) -> str:
    """Relative ``path``/``track``/``paths``/``*.toml model`` strings of a bundled file made
    absolute, so a mutated copy elsewhere still finds its chart, tracks and scenario folders."""

    def fix(m: re.Match) -> str:
        key, val = m.group(1), m.group(2)
        if key == "model" and not val.endswith(".toml"):
            return m.group(0)
        p = Path(val)
        return f'{key} = "{(p if p.is_absolute() else (base / p).resolve())}"'

    text = re.sub(r'^(path|track|model)\s*=\s*"([^"]+)"', fix, text, flags=re.M)

    def fix_list(m: re.Match) -> str:
        items = re.findall(r'"([^"]+)"', m.group(1))
        return "paths = [" + ", ".join(f'"{(base / i).resolve()}"' for i in items) + "]"

    return re.sub(r"^paths\s*=\s*\[([^\]]*)\]", fix_list, text, flags=re.M)


def table(stats: dict[str, Counter] | None = None) -> str:
    stats = STATS if stats is None else stats
    rows = [
        "| format (command) | inputs | clean exit 2 | accepted | traceback | bad error form "
        "| accepted but wrong | hang |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, c in sorted(stats.items()):
        rows.append(
            f"| {name} | {c['inputs']} | {c['clean']} | {c['accepted']} | {c['traceback']} | "
            f"{c['bad_error']} | {c['wrong']} | {c['hang']} |"
        )
    return "\n".join(rows)
