"""What an AIS reader returns: position reports as columns, ship static data, a read summary.

Everything is SI with missing values as NaN, never as the AIS "not available" numbers
(ITU-R M.1371): speeds in m/s, angles in radians clockwise from north in
[0, 2 pi), rate of turn in rad/s. Latitude and longitude keep degrees (names say so) because
they are only ever an edge quantity; ``autoship.ais.tracks`` moves them into the local frame.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from autoship.units import DEG, KNOT

# Sentinels, ITU-R M.1371 (docs/references.md section 3).
LAT_NA_DEG = 91.0
LON_NA_DEG = 181.0
SOG_NA_KN = 102.3
COG_NA_DEG = 360.0
HEADING_NA = 511
ROT_NA = -128.0
ROT_NO_TI = 127.0  # +-127: turning more than 5 deg / 30 s, no turn indicator: value unknown
NAV_STATUS_NA = 15
# Type 27 uses coarser fields (ITU-R M.1371, not re-checked against the official text): SOG 63 kn
# and COG 511 are n/a.
SOG27_NA_KN = 63.0
COG27_NA_DEG = 511.0

# Input limits (docs/architecture.md, "Input limits"). Report times: AIS did not exist before
# 2000 and a clock past 2100 is a corrupt field (a millisecond stamp read as seconds gives
# year 33658), so both are dropped as ``bad_time``, never shown as dates.
T_MIN_S = 946_684_800.0  # 2000-01-01T00:00:00Z
T_MAX_S = 4_102_444_800.0  # 2100-01-01T00:00:00Z
# MMSIs are nine decimal digits (ITU-R M.585); NMEA's 30-bit field could hold more, CSV any
# number: both readers accept 1..999,999,999 and drop the rest as ``bad_mmsi``.
MMSI_MAX = 999_999_999
# Hull dimensions a ship's static data may claim (the scenario loader's ranges, so that
# ``ais extract`` never writes a ship ``scenario check`` refuses); others are ignored, counted.
MAX_LENGTH_M = 500.0
MAX_BEAM_M = 100.0
MAX_DRAUGHT_M = 30.0


def time_ok(t: float) -> bool:
    """A usable report time: NaN (no clock) or inside [T_MIN_S, T_MAX_S)."""
    return t != t or T_MIN_S <= t < T_MAX_S


POSITION_TYPES = frozenset({1, 2, 3, 18, 19, 27})
STATIC_TYPES = frozenset({5, 19, 24})
CLASS_A_TYPES = frozenset({1, 2, 3, 5, 27})
CLASS_B_TYPES = frozenset({18, 19, 24})

# Why a line or message was not used. Reasons in DROP_REASONS are data loss; SKIP_REASONS are
# lines that were never AIS reports (comments, other NMEA sentences) and are counted apart.
DROP_REASONS = (
    "bad_checksum",
    "no_checksum",
    "bad_tag_block",
    "malformed",
    "empty_payload",
    "orphan_fragment",
    "incomplete_multipart",
    "truncated",
    "decode_error",
    "unknown_type",
    "garbage",
    "no_position",
    "bad_position",
    "no_time",
    "bad_time",
    "bad_number",
    "bad_mmsi",
)
SKIP_REASONS = ("blank", "comment", "other_nmea", "timestamp_line")


def sog_from_kn(v: float | None, msg_type: int = 1) -> float:
    """Speed over ground in knots (decoder value) -> m/s or NaN when not available."""
    if v is None:
        return math.nan
    v = float(v)
    na = SOG27_NA_KN if msg_type == 27 else SOG_NA_KN
    if not (0.0 <= v < na - 1e-6) or v != v:
        return math.nan
    return v * KNOT


def cog_from_deg(v: float | None, msg_type: int = 1) -> float:
    """Course over ground in degrees -> rad in [0, 2 pi) or NaN (360 and above is n/a)."""
    if v is None:
        return math.nan
    v = float(v)
    if not (0.0 <= v < COG_NA_DEG):
        return math.nan
    return v * DEG


def heading_from_deg(v: float | int | None) -> float:
    """True heading in whole degrees -> rad, or NaN for 511 (and anything >= 360)."""
    if v is None:
        return math.nan
    v = float(v)
    if not (0.0 <= v < 360.0):
        return math.nan
    return v * DEG


def rot_from_deg_min(v: float | None) -> float:
    """Rate of turn in deg/min (pyais already undoes the ROT_AIS square law) -> rad/s or NaN.

    -128 is "no information" and +-127 "turning fast, no indicator": neither gives a value.
    """
    if v is None:
        return math.nan
    v = float(v)
    if v != v or v <= ROT_NA or abs(v) >= ROT_NO_TI:
        return math.nan
    return v * DEG / 60.0


def latlon_ok(lat: float | None, lon: float | None) -> str | None:
    """None when the position is usable, else the drop reason."""
    if lat is None or lon is None:
        return "no_position"
    if lat == LAT_NA_DEG or lon == LON_NA_DEG:
        return "no_position"
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0) or lat != lat or lon != lon:
        return "bad_position"
    return None


@dataclass
class Positions:
    """One row per accepted position report, in reading order (tracks sort them).

    ``t`` is UTC seconds since 1970 (NaN when the source carries no clock); ``sog`` m/s,
    ``cog``/``heading`` rad in [0, 2 pi), ``rot`` rad/s, NaN where the report said "not
    available". ``msg_type`` is 0 for rows from CSV; ``nav_status`` is -1 when unknown.
    """

    t: np.ndarray
    mmsi: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    sog: np.ndarray
    cog: np.ndarray
    heading: np.ndarray
    rot: np.ndarray
    msg_type: np.ndarray
    nav_status: np.ndarray

    def __len__(self) -> int:
        return int(self.t.shape[0])

    def select(self, mask: np.ndarray) -> Positions:
        return Positions(**{k: getattr(self, k)[mask] for k in _POS_FIELDS})


_POS_FIELDS = (
    "t",
    "mmsi",
    "lat_deg",
    "lon_deg",
    "sog",
    "cog",
    "heading",
    "rot",
    "msg_type",
    "nav_status",
)
_POS_DTYPES = {"mmsi": np.int64, "msg_type": np.int16, "nav_status": np.int16}


class PositionBuilder:
    """Append rows as tuples of Python scalars (cheap), turn into arrays once at the end.

    Row order is ``_POS_FIELDS``; ``rows.append`` may be used directly on hot paths.
    """

    __slots__ = ("rows",)

    def __init__(self) -> None:
        self.rows: list[tuple] = []

    def add(
        self,
        t: float,
        mmsi: int,
        lat_deg: float,
        lon_deg: float,
        sog: float,
        cog: float,
        heading: float,
        rot: float,
        msg_type: int,
        nav_status: int,
    ) -> None:
        self.rows.append((t, mmsi, lat_deg, lon_deg, sog, cog, heading, rot, msg_type, nav_status))

    def build(self) -> Positions:
        # float64 holds every MMSI (< 2**53) and small integer exactly.
        a = np.array(self.rows, dtype=np.float64).reshape(-1, len(_POS_FIELDS))
        return Positions(
            **{k: a[:, i].astype(_POS_DTYPES.get(k, np.float64)) for i, k in enumerate(_POS_FIELDS)}
        )


@dataclass
class ShipInfo:
    """Static and voyage data merged per MMSI from types 5, 19 and 24 (and CSV columns).

    Length and beam are antenna-to-bow + antenna-to-stern and port + starboard (ITU-R M.1371
    type 5 dimensions); None when the ship never said (0 means "not available").
    """

    mmsi: int
    ais_class: str | None = None  # "A", "B" or None when only CSV rows were seen
    name: str | None = None
    callsign: str | None = None
    imo: int | None = None
    ship_type: int | None = None
    length_m: float | None = None
    beam_m: float | None = None
    draught_m: float | None = None
    to_bow_m: float | None = None
    to_stern_m: float | None = None
    to_port_m: float | None = None
    to_starboard_m: float | None = None
    destination: str | None = None
    n_positions: int = 0

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def set_dimensions(self, bow, stern, port, starboard) -> None:
        vals = [None if v is None else float(v) for v in (bow, stern, port, starboard)]
        bow, stern, port, starboard = vals
        if bow is not None and stern is not None and bow + stern > 0:
            self.to_bow_m, self.to_stern_m = bow, stern
            self.length_m = bow + stern
        if port is not None and starboard is not None and port + starboard > 0:
            self.to_port_m, self.to_starboard_m = port, starboard
            self.beam_m = port + starboard


def clean_text(s: object) -> str | None:
    """AIS 6-bit text pads with '@' and spaces; empty means not available."""
    if s is None:
        return None
    text = str(s).replace("@", " ").strip()
    return text or None


@dataclass
class ReadSummary:
    """Counts of everything a reader saw: what it used, what it skipped and what it dropped."""

    source: str
    layout: str = "nmea"
    lines: int = 0
    sentences: int = 0
    messages: int = 0
    by_type: Counter = field(default_factory=Counter)
    drops: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    # Fields of otherwise used reports or ships that were set aside (e.g. a 600 m length).
    ignored: Counter = field(default_factory=Counter)
    # First few problems with line numbers, so a user can look at the file.
    examples: list[str] = field(default_factory=list)

    MAX_EXAMPLES = 20

    def drop(self, reason: str, line_no: int | None = None, detail: str = "") -> None:
        self.drops[reason] += 1
        if len(self.examples) < self.MAX_EXAMPLES:
            where = f"line {line_no}: " if line_no is not None else ""
            self.examples.append(f"{where}{reason}{': ' + detail if detail else ''}")

    def ignore(self, reason: str, detail: str = "") -> None:
        self.ignored[reason] += 1
        if len(self.examples) < self.MAX_EXAMPLES:
            self.examples.append(f"ignored {reason}{': ' + detail if detail else ''}")

    @property
    def dropped(self) -> int:
        return int(sum(self.drops.values()))


def check_dimensions(ships: dict[int, ShipInfo], summary: ReadSummary) -> None:
    """Set aside static data no ship can have (counted in ``summary.ignored``), so every size
    that reaches a scenario is one the scenario loader accepts."""
    for sh in ships.values():
        L, B, D = sh.length_m, sh.beam_m, sh.draught_m
        if L is not None and not (0.0 < L <= MAX_LENGTH_M):
            summary.ignore("implausible_dimensions", f"mmsi {sh.mmsi} length {L:g} m")
            sh.length_m = sh.to_bow_m = sh.to_stern_m = None
        if B is not None and not (
            0.0 < B <= MAX_BEAM_M and (sh.length_m is None or sh.length_m > B)
        ):
            summary.ignore("implausible_dimensions", f"mmsi {sh.mmsi} beam {B:g} m")
            sh.beam_m = sh.to_port_m = sh.to_starboard_m = None
        if D is not None and not (0.0 < D <= MAX_DRAUGHT_M):
            summary.ignore("implausible_dimensions", f"mmsi {sh.mmsi} draught {D:g} m")
            sh.draught_m = None


@dataclass
class AisData:
    """The result of reading one AIS source."""

    positions: Positions
    ships: dict[int, ShipInfo]
    summary: ReadSummary

    def time_span(self) -> tuple[float, float] | None:
        t = self.positions.t
        t = t[np.isfinite(t)]
        if t.size == 0:
            return None
        return float(t.min()), float(t.max())

    def bbox_deg(self) -> tuple[float, float, float, float] | None:
        """(lat_min, lon_min, lat_max, lon_max) of accepted positions, or None."""
        p = self.positions
        if len(p) == 0:
            return None
        return (
            float(p.lat_deg.min()),
            float(p.lon_deg.min()),
            float(p.lat_deg.max()),
            float(p.lon_deg.max()),
        )

    def _core_box(self) -> dict:
        lat = np.percentile(self.positions.lat_deg, [1, 99])
        lon = np.percentile(self.positions.lon_deg, [1, 99])
        return {
            "lat_min_deg": float(lat[0]),
            "lon_min_deg": float(lon[0]),
            "lat_max_deg": float(lat[1]),
            "lon_max_deg": float(lon[1]),
        }

    def to_dict(self) -> dict:
        """A JSON-ready summary (the ``ais info --json`` document)."""
        from datetime import UTC, datetime

        s = self.summary
        span = self.time_span()
        bbox = self.bbox_deg()

        def iso(t: float) -> str:
            return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")

        classes = Counter(sh.ais_class or "unknown" for sh in self.ships.values())
        return {
            "source": s.source,
            "layout": s.layout,
            "lines": s.lines,
            "sentences": s.sentences,
            "messages": s.messages,
            "messages_by_type": {str(k): v for k, v in sorted(s.by_type.items())},
            "position_reports": len(self.positions),
            "ships": len(self.ships),
            "ships_with_position": int(np.unique(self.positions.mmsi).size),
            "ships_by_class": dict(sorted(classes.items())),
            "ships_with_dimensions": sum(1 for sh in self.ships.values() if sh.length_m),
            "time_span": None
            if span is None
            else {"start": iso(span[0]), "end": iso(span[1]), "duration_s": span[1] - span[0]},
            "area": None
            if bbox is None
            else {
                "lat_min_deg": bbox[0],
                "lon_min_deg": bbox[1],
                "lat_max_deg": bbox[2],
                "lon_max_deg": bbox[3],
                # The 1-99 % box ignores a few wild positions (the Solent file has one at
                # lon 54.8 that stretches the full box to Kazakhstan).
                "core_1_99_pct": self._core_box(),
            },
            "dropped": s.dropped,
            "drops": dict(sorted(s.drops.items())),
            "skipped": dict(sorted(s.skipped.items())),
            "ignored": dict(sorted(s.ignored.items())),
            "examples": list(s.examples),
        }
