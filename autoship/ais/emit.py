"""Simulated ships out as standard NMEA 0183 AIS, for chart plotters and AIS software.

Class A ships send type 1 position reports and type 5 static/voyage data; class B ships send
type 18 and type 24 parts A and B. The own ship's sentences are ``!AIVDO`` (own-ship reports),
everyone else's ``!AIVDM``. Multipart sentences are written consecutively (gpsdecode rejects
interleaved fragments: "invalid fragment #2 received").

Reporting intervals are the nominal autonomous-mode values of ITU-R M.1371-5 (Annex 2, 4.2):
class A 10 s at 0-14 kn (3 1/3 s when changing course), 6 s at 14-23 kn (2 s turning), 2 s above
23 kn, 3 min at anchor or moored below 3 kn; class B "CS" 30 s above 2 kn, else 3 min; static
data every 6 min (tables as reproduced at arundaleais.github.io/docs/ais/ais_reporting_rates.html
and comarsystems.com's "What are AIS reporting intervals?"). The standard does not put a number
on "changing course"; we use a rate of turn of 10 deg/min (5 deg in 30 s), the threshold at
which the ROT field itself stops giving a value (ITU-R M.1371) [P].

Every field of every message is set explicitly: pyais encodes omitted fields as 0, which for
lat/lon is a real position in the Gulf of Guinea (pyais 3.3.1). Values we do not know
are sent as the standard "not available" codes.

The scheduler is pure: arrays (or one time row at a time) in, ``EmittedMessage`` out; sockets
and files are the caller's business (see ``format_lines`` and ``UdpSender``).
"""

from __future__ import annotations

import hashlib
import math
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from pyais import encode_dict

from autoship.errors import AisError

# ITU-R M.1371-5 nominal reporting intervals (s), see module docstring.
CLASS_A_MOORED_S = 180.0
CLASS_A_SLOW_S = 10.0
CLASS_A_SLOW_TURN_S = 10.0 / 3.0
CLASS_A_MEDIUM_S = 6.0
CLASS_A_FAST_S = 2.0
CLASS_B_CS_MOVING_S = 30.0
CLASS_B_CS_SLOW_S = 180.0
STATIC_INTERVAL_S = 360.0
TURNING_DEG_MIN = 10.0  # [P], see module docstring
NAV_STATUS_AT_ANCHOR = 1
NAV_STATUS_MOORED = 5
# Class B "CS" communication state as sent by real CS units (gpsd's sample.aivdm, type 18:
# radio 917510 = CS flag set, "1100000000000000110").
CLASS_B_CS_RADIO = 917510
# Fictitious MMSIs: 999 is not an allocated Maritime Identification Digit, so a derived MMSI
# can never be mistaken for a real ship by software that receives our traffic.
DERIVED_MMSI_BASE = 999_000_000


def derived_mmsi(scenario_id: str, ship_id: str) -> int:
    """Deterministic MMSI for a simulated ship that has none: 999xxxxxx from a SHA-256 of
    ``scenario_id/ship_id`` (same scenario and ship id, same MMSI, on every machine)."""
    h = hashlib.sha256(f"{scenario_id}/{ship_id}".encode()).digest()
    return DERIVED_MMSI_BASE + int.from_bytes(h[:8], "big") % 1_000_000


@dataclass(frozen=True)
class ShipIdentity:
    """What a ship says about itself. Sizes 0 = not available; ``own`` selects VDO."""

    mmsi: int
    ais_class: str = "A"
    name: str = ""
    callsign: str = ""
    imo: int = 0
    ship_type: int = 0
    length_m: float = 0.0
    beam_m: float = 0.0
    draught_m: float = 0.0
    nav_status: int = 0
    destination: str = ""
    own: bool = False

    def __post_init__(self) -> None:
        if not 1 <= int(self.mmsi) <= 999_999_999:
            raise AisError(f"MMSI {self.mmsi} is not a 9-digit number", field="mmsi")
        if self.ais_class not in ("A", "B"):
            raise AisError(f"AIS class {self.ais_class!r} must be 'A' or 'B'", field="ais_class")
        if not 0 <= int(self.nav_status) <= 15:
            raise AisError(f"nav_status {self.nav_status} is outside 0..15", field="nav_status")
        if not 0 <= int(self.ship_type) <= 99:
            raise AisError(f"ship_type {self.ship_type} is outside 0..99", field="ship_type")


@dataclass(frozen=True)
class EmittedMessage:
    t_s: float  # simulation time of the report
    utc_s: float  # unix time it carries
    ship: int  # column index of the ship
    msg_type: int
    lines: tuple[str, ...]


def report_interval_s(ais_class: str, sog_kn: float, turning: bool, nav_status: int = 0) -> float:
    """Nominal interval until the next position report (ITU-R M.1371-5, module docstring)."""
    sog = 0.0 if not math.isfinite(sog_kn) else sog_kn
    if ais_class == "B":
        return CLASS_B_CS_MOVING_S if sog > 2.0 else CLASS_B_CS_SLOW_S
    if nav_status in (NAV_STATUS_AT_ANCHOR, NAV_STATUS_MOORED):
        return CLASS_A_MOORED_S if sog <= 3.0 else CLASS_A_SLOW_S
    if sog <= 14.0:
        return CLASS_A_SLOW_TURN_S if turning else CLASS_A_SLOW_S
    if sog <= 23.0:
        return CLASS_A_FAST_S if turning else CLASS_A_MEDIUM_S
    return CLASS_A_FAST_S


def _sixbit_text(s: str, n: int) -> str:
    """Upper-case, restricted to the AIS 6-bit character set, cut to ``n`` characters."""
    out = []
    for ch in (s or "").upper():
        out.append(ch if 32 <= ord(ch) <= 95 else " ")
    return "".join(out)[:n].rstrip()


def _kinematics(lat, lon, sog_kn, cog_deg, heading_deg, rot_deg_min) -> dict:
    speed = 102.3 if not math.isfinite(sog_kn) else min(max(sog_kn, 0.0), 102.2)
    course = 360.0 if not math.isfinite(cog_deg) else round(cog_deg % 360.0, 1) % 360.0
    heading = 511 if not math.isfinite(heading_deg) else int(round(heading_deg)) % 360
    return {
        "speed": round(speed, 1),
        "lon": float(lon),
        "lat": float(lat),
        "course": course,
        "heading": heading,
    }


def _turn(rot_deg_min: float) -> float:
    """ROT for pyais (deg/min; it applies the ROT_AIS square law). Beyond the 708 deg/min the
    field can hold, the standard says +-127 (turning, no indicator), which pyais writes for
    magnitudes from 720 deg/min up; -128 = not available."""
    if not math.isfinite(rot_deg_min):
        return -128.0
    if abs(rot_deg_min) > 708.0:
        return math.copysign(720.0, rot_deg_min)
    return float(rot_deg_min)


class AisScheduler:
    """Decides, row by row, which ship reports what; call ``step`` with increasing times."""

    def __init__(
        self,
        ships: Sequence[ShipIdentity],
        start_utc_s: float,
        static_interval_s: float = STATIC_INTERVAL_S,
    ) -> None:
        if sum(1 for s in ships if s.own) > 1:
            raise AisError("more than one ship is marked as the own ship (VDO)", field="own")
        self.ships = list(ships)
        self.start_utc_s = float(start_utc_s)
        self.static_interval_s = float(static_interval_s)
        n = len(self.ships)
        self._next_pos = [-math.inf] * n
        self._next_static = [-math.inf] * n
        self._seq = 0
        self._chan = 0

    def _channel(self) -> str:
        self._chan ^= 1
        return "B" if self._chan else "A"

    def _encode(self, data: dict, ship: ShipIdentity, multipart: bool = False) -> tuple[str, ...]:
        kwargs = {}
        if multipart:
            kwargs["seq_id"] = self._seq
            self._seq = (self._seq + 1) % 10
        lines = encode_dict(
            data,
            talker_id="AI",
            sentence_type="VDO" if ship.own else "VDM",
            radio_channel=self._channel(),
            **kwargs,
        )
        return tuple(lines)

    def step(
        self,
        t_s: float,
        lat_deg: Sequence[float],
        lon_deg: Sequence[float],
        sog_kn: Sequence[float],
        cog_deg: Sequence[float],
        heading_deg: Sequence[float],
        rot_deg_min: Sequence[float],
    ) -> list[EmittedMessage]:
        """Messages due at simulation time ``t_s``. A ship whose position is NaN (not in the
        water yet, or replay data missing) is silent."""
        out: list[EmittedMessage] = []
        utc = self.start_utc_s + t_s
        second = int(datetime.fromtimestamp(utc, UTC).second)
        for k, ship in enumerate(self.ships):
            lat, lon = float(lat_deg[k]), float(lon_deg[k])
            if not (math.isfinite(lat) and math.isfinite(lon)):
                continue
            if t_s + 1e-9 >= self._next_static[k]:
                out.extend(self._static(t_s, utc, k, ship))
                self._next_static[k] = t_s + self.static_interval_s
            if t_s + 1e-9 < self._next_pos[k]:
                continue
            sog, rot = float(sog_kn[k]), float(rot_deg_min[k])
            kin = _kinematics(lat, lon, sog, float(cog_deg[k]), float(heading_deg[k]), rot)
            turning = math.isfinite(rot) and abs(rot) >= TURNING_DEG_MIN
            if ship.ais_class == "A":
                data = {
                    "type": 1,
                    "repeat": 0,
                    "mmsi": ship.mmsi,
                    "status": int(ship.nav_status),
                    "turn": _turn(rot),
                    "accuracy": 1,  # simulated fixes are exact: "high (< 10 m)"
                    **kin,
                    "second": second,
                    "maneuver": 0,  # no special manoeuvre indication available
                    "raim": 0,
                    "radio": 0,
                }
                mt = 1
            else:
                data = {
                    "type": 18,
                    "repeat": 0,
                    "mmsi": ship.mmsi,
                    "reserved_1": 0,
                    "accuracy": 1,
                    **kin,
                    "second": second,
                    "reserved_2": 0,
                    "cs": 1,  # carrier-sense (CS) unit
                    "display": 0,
                    "dsc": 0,
                    "band": 1,
                    "msg22": 1,
                    "assigned": 0,
                    "raim": 0,
                    "radio": CLASS_B_CS_RADIO,
                }
                mt = 18
            out.append(EmittedMessage(t_s, utc, k, mt, self._encode(data, ship)))
            self._next_pos[k] = t_s + report_interval_s(
                ship.ais_class, sog, turning, int(ship.nav_status)
            )
        return out

    def _dims(self, ship: ShipIdentity) -> dict:
        # The antenna is placed mid-ship: half the length to bow and stern, half the beam to
        # each side. Field limits: bow/stern 511 m, port/starboard 63 m.
        half_l = min(int(round(ship.length_m / 2.0)), 511) if ship.length_m > 0 else 0
        half_b = min(int(round(ship.beam_m / 2.0)), 63) if ship.beam_m > 0 else 0
        return {"to_bow": half_l, "to_stern": half_l, "to_port": half_b, "to_starboard": half_b}

    def _static(self, t_s: float, utc: float, k: int, ship: ShipIdentity):
        if ship.ais_class == "A":
            data = {
                "type": 5,
                "repeat": 0,
                "mmsi": ship.mmsi,
                "ais_version": 2,  # ITU-R M.1371-5
                "imo": int(ship.imo),
                "callsign": _sixbit_text(ship.callsign, 7),
                "shipname": _sixbit_text(ship.name, 20),
                "ship_type": int(ship.ship_type),
                **self._dims(ship),
                "epfd": 1,  # GPS
                # ETA not available: month 0, day 0, hour 24, minute 60.
                "month": 0,
                "day": 0,
                "hour": 24,
                "minute": 60,
                "draught": round(min(max(ship.draught_m, 0.0), 25.5), 1),
                "destination": _sixbit_text(ship.destination, 20),
                "dte": 0,  # data terminal ready
            }
            return [EmittedMessage(t_s, utc, k, 5, self._encode(data, ship, multipart=True))]
        part_a = {
            "type": 24,
            "repeat": 0,
            "mmsi": ship.mmsi,
            "partno": 0,
            "shipname": _sixbit_text(ship.name, 20),
        }
        part_b = {
            "type": 24,
            "repeat": 0,
            "mmsi": ship.mmsi,
            "partno": 1,
            "ship_type": int(ship.ship_type),
            "vendorid": "",
            "model": 0,
            "serial": 0,
            "callsign": _sixbit_text(ship.callsign, 7),
            **self._dims(ship),
        }
        return [
            EmittedMessage(t_s, utc, k, 24, self._encode(part_a, ship)),
            EmittedMessage(t_s, utc, k, 24, self._encode(part_b, ship)),
        ]


def emit_reports(
    t_s: np.ndarray,
    lat_deg: np.ndarray,
    lon_deg: np.ndarray,
    sog_kn: np.ndarray,
    cog_deg: np.ndarray,
    heading_deg: np.ndarray,
    rot_deg_min: np.ndarray,
    ships: Sequence[ShipIdentity],
    *,
    start_utc_s: float,
    static_interval_s: float = STATIC_INTERVAL_S,
) -> list[EmittedMessage]:
    """All messages for a whole recording. Arrays are (n_times, n_ships); times increase."""
    t = np.asarray(t_s, dtype=np.float64)
    arrays = [
        np.asarray(a, dtype=np.float64)
        for a in (lat_deg, lon_deg, sog_kn, cog_deg, heading_deg, rot_deg_min)
    ]
    n_ships = len(ships)
    for name, a in zip(
        ("lat_deg", "lon_deg", "sog_kn", "cog_deg", "heading_deg", "rot_deg_min"),
        arrays,
        strict=True,
    ):
        if a.shape != (t.size, n_ships):
            raise AisError(f"shape {a.shape} != ({t.size}, {n_ships})", field=name)
    if t.size > 1 and np.any(np.diff(t) <= 0):
        raise AisError("times must increase", field="t")
    sched = AisScheduler(ships, start_utc_s, static_interval_s)
    out: list[EmittedMessage] = []
    for i in range(t.size):
        out.extend(sched.step(float(t[i]), *(a[i] for a in arrays)))
    return out


def _tag_block(utc_s: float) -> str:
    body = f"c:{int(utc_s)}"
    c = 0
    for ch in body.encode():
        c ^= ch
    return f"\\{body}*{c:02X}\\"


def format_lines(messages: Sequence[EmittedMessage], tag_blocks: bool = False) -> list[str]:
    """NMEA lines in order. With ``tag_blocks`` each sentence is prefixed by an IEC 61162-450
    tag block carrying its unix time (``\\c:...*hh\\``), so a file keeps its time axis."""
    out: list[str] = []
    for m in messages:
        prefix = _tag_block(m.utc_s) if tag_blocks else ""
        out.extend(prefix + line for line in m.lines)
    return out


# Default UDP pace, datagrams per second. UDP has no flow control: a burst of a whole run
# (hundreds of datagrams in a few milliseconds) overflows a receiver's default socket buffer
# before it reads (602 of 675 arrived in issue 18). At 500/s a chart plotter or a Python
# reader keeps up, and a 30-minute, 10-ship run still goes out in a few seconds.
UDP_PACE_HZ = 500.0


class UdpSender:
    """Send NMEA lines as UDP datagrams, one sentence per datagram (what OpenCPN and gpsd
    expect from a UDP NMEA source), at most ``pace_hz`` datagrams per second (None or 0: as
    fast as the socket takes them, a burst). ``clock``/``sleep`` are injectable for tests."""

    def __init__(
        self,
        host: str,
        port: int,
        pace_hz: float | None = UDP_PACE_HZ,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.addr = (host, int(port))
        if pace_hz is not None and not (pace_hz >= 0 and math.isfinite(pace_hz)):
            raise AisError("must be a positive rate", field="pace_hz")
        self.interval = 1.0 / pace_hz if pace_hz else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next = -math.inf
        self.sent = 0
        try:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        except OSError as err:
            raise AisError(f"cannot open a UDP socket: {err}", field="udp") from err

    def send(self, lines: Sequence[str]) -> None:
        for line in lines:
            if self.interval:
                now = self._clock()
                if now < self._next:
                    self._sleep(self._next - now)
                    now = self._next
                self._next = now + self.interval
            try:
                self.sock.sendto((line + "\r\n").encode("ascii"), self.addr)
            except OSError as err:
                host, port = self.addr
                raise AisError(f"udp://{host}:{port}: {err}", field="udp") from err
            self.sent += 1

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> UdpSender:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def parse_host_port(text: str) -> tuple[str, int]:
    """'HOST:PORT' -> (host, port), or ``AisError``."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise AisError(f"{text!r} is not HOST:PORT", field="udp")
    return host, int(port)


# Ship types that are class B in practice (sailing and pleasure craft, ITU-R M.1371 table 53).
_CLASS_B_SHIP_TYPES = frozenset({36, 37})


def identities_from_meta(meta: dict) -> list[ShipIdentity]:
    """One identity per ship of a run folder's ``meta.json`` (docs/architecture.md).

    A ship without ``mmsi`` gets ``derived_mmsi(scenario id, ship id)``. The AIS class is the
    ship's ``ais_class`` when given, else B for sailing and pleasure craft (ship types 36, 37),
    else A. The ship with role ``own`` is the one that sends VDO.
    """
    scenario_id = str((meta.get("scenario") or {}).get("id") or "scenario")
    out = []
    for s in meta.get("ships", []):
        ship_id = str(s.get("id", ""))
        mmsi = s.get("mmsi") or derived_mmsi(scenario_id, ship_id)
        ship_type = int(s.get("ship_type") or 0)
        ais_class = s.get("ais_class") or ("B" if ship_type in _CLASS_B_SHIP_TYPES else "A")
        status = s.get("nav_status")
        out.append(
            ShipIdentity(
                mmsi=int(mmsi),
                ais_class=str(ais_class),
                name=ship_id,
                ship_type=ship_type,
                length_m=float(s.get("length_m") or 0.0),
                beam_m=float(s.get("beam_m") or 0.0),
                draught_m=float(s.get("draught_m") or 0.0),
                nav_status=0 if status is None else int(status),
                own=s.get("role") == "own",
            )
        )
    return out


@dataclass(frozen=True)
class RunReports:
    """Edge-unit arrays of a run, (n_records, n_ships), ready for ``emit_reports``."""

    t_s: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    sog_kn: np.ndarray
    cog_deg: np.ndarray
    heading_deg: np.ndarray
    rot_deg_min: np.ndarray
    ships: list[ShipIdentity]


def reports_from_run(meta: dict, arrays: dict, frame=None, ships=None) -> RunReports:
    """Convert a run folder's local-frame SI arrays to what AIS carries.

    Course and heading are turned from grid north to true north with the frame's meridian
    convergence (about 0.5 deg 50 km east of the origin at 50 N), so a plotter shows the same
    course as the simulator.
    """
    from autoship.geo import LocalFrame
    from autoship.units import KNOT

    try:
        if frame is None:  # building a frame costs a pyproj transformer: callers may reuse one
            frame = LocalFrame(
                float(meta["frame"]["origin_lat_deg"]), float(meta["frame"]["origin_lon_deg"])
            )
        t = np.asarray(arrays["t"], dtype=np.float64)
        north = np.asarray(arrays["north"], dtype=np.float64)
        east = np.asarray(arrays["east"], dtype=np.float64)
        vn = np.asarray(arrays["vn"], dtype=np.float64)
        ve = np.asarray(arrays["ve"], dtype=np.float64)
        heading = np.asarray(arrays["heading"], dtype=np.float64)
    except (KeyError, TypeError, ValueError) as err:
        raise AisError(f"run folder lacks what AIS needs: {err}", field="track") from err
    r = np.asarray(arrays.get("r", np.full_like(north, np.nan)), dtype=np.float64)
    lat, lon = frame.to_latlon(north, east)
    lat, lon = np.asarray(lat).reshape(north.shape), np.asarray(lon).reshape(north.shape)
    conv = frame.convergence_rad(lat, lon).reshape(north.shape)
    sog = np.hypot(vn, ve) / KNOT
    cog = np.degrees(np.mod(np.arctan2(ve, vn) + conv, 2 * math.pi))
    # Below 0.05 kn there is no course over ground to speak of.
    cog = np.where(sog < 0.05, np.nan, cog)
    hdg = np.degrees(np.mod(heading + conv, 2 * math.pi))
    rot = np.degrees(r) * 60.0
    ships = identities_from_meta(meta) if ships is None else ships
    return RunReports(t, lat, lon, sog, cog, hdg, rot, ships)


class AisLiveOut:
    """Stream a running simulation as NMEA over UDP (for ``autoship run --ais-udp HOST:PORT``).

    Build it once from the run's meta (``scenario.id``, ``frame``, ``ships`` as in meta.json) and
    call ``push`` with each recorded row (1-D arrays over ships, local frame, SI). Messages go
    out when M.1371 says they are due. With ``realtime`` the call sleeps until the wall clock
    has caught up with ``t_s / speed``, so a chart plotter sees ships move at their real pace.
    """

    def __init__(
        self,
        meta: dict,
        host: str,
        port: int,
        start_utc_s: float | None = None,
        realtime: bool = False,
        speed: float = 1.0,
        pace_hz: float | None = UDP_PACE_HZ,
    ) -> None:
        self._time = time
        self.meta = meta
        self.realtime = realtime
        self.speed = float(speed)
        if not self.speed > 0:
            raise AisError("must be positive", field="speed")
        from autoship.geo import LocalFrame

        start = time.time() if start_utc_s is None else float(start_utc_s)
        self.ships = identities_from_meta(meta)
        try:
            fr = meta["frame"]
            self.frame = LocalFrame(float(fr["origin_lat_deg"]), float(fr["origin_lon_deg"]))
        except (KeyError, TypeError, ValueError) as err:
            raise AisError(f"run meta has no usable frame: {err}", field="frame") from err
        self.scheduler = AisScheduler(self.ships, start)
        self.sender = UdpSender(host, port, pace_hz=pace_hz)
        self._t0_wall = time.monotonic()
        self.sent = 0

    def push(self, t_s: float, north, east, vn, ve, heading, r=None) -> None:
        row = {
            "t": np.array([float(t_s)]),
            "north": np.asarray(north, dtype=np.float64)[None, :],
            "east": np.asarray(east, dtype=np.float64)[None, :],
            "vn": np.asarray(vn, dtype=np.float64)[None, :],
            "ve": np.asarray(ve, dtype=np.float64)[None, :],
            "heading": np.asarray(heading, dtype=np.float64)[None, :],
        }
        if r is not None:
            row["r"] = np.asarray(r, dtype=np.float64)[None, :]
        rep = reports_from_run(self.meta, row, self.frame, self.ships)
        msgs = self.scheduler.step(
            float(t_s),
            rep.lat_deg[0],
            rep.lon_deg[0],
            rep.sog_kn[0],
            rep.cog_deg[0],
            rep.heading_deg[0],
            rep.rot_deg_min[0],
        )
        if not msgs:
            return
        if self.realtime:
            delay = t_s / self.speed - (self._time.monotonic() - self._t0_wall)
            if delay > 0:
                self._time.sleep(delay)
        self.sender.send(format_lines(msgs))
        self.sent += len(msgs)

    def close(self) -> None:
        self.sender.close()

    def __enter__(self) -> AisLiveOut:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
