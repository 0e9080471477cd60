"""NMEA 0183 AIS reader on top of pyais, strict about what it decodes.

Framing variants seen in real files: plain ``!xxVDM``/``!xxVDO`` sentences, ``#`` comment lines,
other NMEA sentences mixed in, IEC 61162-450 tag blocks (``\\c:<unix time>*hh\\`` before the
sentence), Gatehouse ``$PGHP`` lines carrying the time of the next sentence, and USCG trailers
after the checksum (the last trailer field is the receive time in unix seconds).

pyais 3.3.1 pitfalls we guard against (M0r13n/pyais issues #82, #177): it decodes sentences with
a wrong checksum, so we verify every checksum first and drop failures; it decodes all-zero
payloads as type 0, so types outside 1..27 are dropped; multipart messages are assembled here by
(talker, sequence id, channel) from consecutive fragment numbers, and an incomplete group is
dropped, never decoded. Each drop is counted by reason in the ``ReadSummary``.

Only the messages whose fields we use (1, 2, 3, 5, 18, 19, 24, 27) are decoded; the others are
counted by type from their first six bits, which saves the decoding time.

Files go through ``fastnmea`` (the same rules in Numba, about 20x pyais alone); ``NmeaDecoder``
here reads live feeds line by line and is the oracle the bulk decoder is tested against.
"""

from __future__ import annotations

import calendar
import gzip
import math
import os
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import reduce
from operator import xor

from pyais.exceptions import InvalidNMEAMessageException
from pyais.messages import AISSentence

from autoship.ais.records import (
    CLASS_A_TYPES,
    CLASS_B_TYPES,
    MMSI_MAX,
    AisData,
    PositionBuilder,
    ReadSummary,
    ShipInfo,
    check_dimensions,
    clean_text,
    cog_from_deg,
    heading_from_deg,
    latlon_ok,
    rot_from_deg_min,
    sog_from_kn,
    time_ok,
)
from autoship.errors import AisError

# Shortest payload (bits) we decode per type: up to the end of the last field we use
# (ITU-R M.1371 bit layouts). Real transponders send type 5 as 420 instead of 424 bits and
# type 1 as 163 (gpsd's sample.aivdm); both still carry every field we read, so this is not
# the nominal length. Anything shorter would hand us zero-filled fields.
_MIN_BITS = {1: 143, 2: 143, 3: 143, 5: 302, 18: 139, 19: 301, 24: 160, 27: 96}
_DECODED = frozenset(_MIN_BITS)
_CLASS_OF = {t: "A" for t in CLASS_A_TYPES} | {t: "B" for t in CLASS_B_TYPES}
# A live feed can leave groups open forever; beyond this many open groups the oldest is dropped.
_MAX_OPEN_GROUPS = 64


# Two hex digits -> value; anything else is not a checksum. A dict lookup beats parsing.
_CHK = {f"{i:02X}".encode(): i for i in range(256)} | {f"{i:02x}".encode(): i for i in range(256)}


def _nmea_checksum_ok(body: bytes, chk: bytes) -> bool:
    want = _CHK.get(chk)
    return want is not None and reduce(xor, body, 0) == want


# Start of each minute seen in $PGHP lines: building a datetime per line costs more than the
# rest of the line's handling.
_MINUTE_CACHE: dict[tuple[bytes, ...], float] = {}


def _pghp_time(line: bytes) -> float:
    """Unix time from ``$PGHP,1,yyyy,m,d,h,min,s,ms,...``; raises ValueError when malformed."""
    f = line.split(b",")
    if len(f) < 9 or f[1] != b"1":
        raise ValueError("not a PGHP type 1 sentence")
    key = tuple(f[2:7])
    base = _MINUTE_CACHE.get(key)
    if base is None:
        dt = datetime(int(f[2]), int(f[3]), int(f[4]), int(f[5]), int(f[6]), tzinfo=UTC)
        base = dt.timestamp()
        if len(_MINUTE_CACHE) > 4096:
            _MINUTE_CACHE.clear()
        _MINUTE_CACHE[key] = base
    sec, ms = int(f[7]), int(f[8])
    if not (0 <= sec <= 60 and 0 <= ms <= 999):
        raise ValueError("PGHP second or millisecond out of range")
    return base + sec + ms / 1000.0


def _gps_clock_time(body: bytes) -> float:
    """Unix time (s) of ``$--ZDA,hhmmss.ss,dd,mm,yyyy,...`` or ``$--RMC,hhmmss.ss,A,...,ddmmyy,...``
    (NMEA 0183: ZDA carries the full date, RMC a two-digit year, taken as 20yy); NaN when the
    fields are empty or malformed, or the year is outside 2000-2099 (as for tag blocks)."""
    f = body.split(b",")
    try:
        hms = f[1]
        if len(hms) < 6:
            return math.nan
        hh, mi, ss = int(hms[0:2]), int(hms[2:4]), float(hms[4:])
        if f[0][3:6] == b"ZDA":
            day, mon, year = int(f[2]), int(f[3]), int(f[4])
        else:
            d = f[9]
            if len(d) != 6:
                return math.nan
            day, mon, year = int(d[0:2]), int(d[2:4]), 2000 + int(d[4:6])
        if not (2000 <= year <= 2099 and 0 <= hh < 24 and 0 <= mi < 60 and 0 <= ss < 61):
            return math.nan
        return (
            calendar.timegm((year, mon, day, hh, mi, 0, 0, 0, 0))
            + ss
            + (0.0 if 1 <= mon <= 12 and 1 <= day <= 31 else math.nan)
        )
    except (IndexError, ValueError, OverflowError):
        return math.nan


def _tag_block_time(tag: bytes) -> tuple[bool, float]:
    """(checksum ok, unix time or NaN) for the text between the backslashes of a tag block."""
    star = tag.rfind(b"*")
    if star < 0 or not _nmea_checksum_ok(tag[:star], tag[star + 1 : star + 3]):
        return False, math.nan
    for item in tag[:star].split(b","):
        if item[:2] == b"c:":
            try:
                c = float(item[2:])
            except ValueError:
                return False, math.nan
            if not math.isfinite(c):  # "c:nan" is not "no time", and inf is no time at all
                return False, math.nan
            # Some receivers write milliseconds; no AIS data predates 2001 (1e9 s) and no
            # millisecond stamp is below 1e11.
            return True, c / 1000.0 if c > 1e11 else c
    return True, math.nan


def _raw_ship_type(sent: AISSentence, start_bit: int) -> int:
    """Ship and cargo type straight from the payload bits (8 bits at ``start_bit``: type 5 at
    232, type 19 at 263, type 24 part B at 40). pyais turns codes its enum lacks, such as the
    reserved 38/39 real ships send, into 0 "not available"; gpsd keeps them, so do we."""
    try:
        return int(sent.bv.get(start_bit, 8))
    except Exception:  # a short payload was already rejected; never fail on the type alone
        return 0


class NmeaDecoder:
    """Incremental reader: feed lines (bytes), collect positions, ships and counts.

    Used by the file reader and the live UDP/TCP readers alike. Never raises on bad input.
    """

    def __init__(self, source: str) -> None:
        self.summary = ReadSummary(source=source, layout="nmea")
        self.positions = PositionBuilder()
        self._rows = self.positions.rows
        self.ships: dict[int, ShipInfo] = {}
        self._pending_t = math.nan  # from a $PGHP line, for the next sentence only
        # The receiver's clock from interleaved $--ZDA / $--RMC sentences (logs without tag
        # blocks): the time of every following AIS sentence until the next one.
        self._clock_t = math.nan
        self._groups: dict[tuple, tuple[list[AISSentence], float, int]] = {}

    # -- lines -------------------------------------------------------------------------------

    def feed(self, raw: bytes, t_recv: float = math.nan) -> None:
        """One line. ``t_recv`` (unix s) is used when the line carries no time of its own."""
        s = self.summary
        s.lines += 1
        line_no = s.lines
        line = raw.strip()
        if not line:
            s.skipped["blank"] += 1
            return
        first = line[0]
        t = math.nan
        if first == 92:  # backslash: tag block
            end = line.find(b"\\", 1)
            if end < 0:
                s.drop("bad_tag_block", line_no, "unterminated tag block")
                return
            ok, t = _tag_block_time(line[1:end])
            if not ok:
                s.drop("bad_tag_block", line_no, "tag block checksum or time")
                return
            line = line[end + 1 :]
            if not line:
                s.drop("malformed", line_no, "tag block without sentence")
                return
            first = line[0]
        if first == 35:  # '#'
            s.skipped["comment"] += 1
            return
        if first == 36:  # '$'
            self._dollar(line, line_no)
            return
        if first != 33:  # not '!'
            s.drop("garbage", line_no)
            return
        if line[3:6] not in (b"VDM", b"VDO"):
            self._other(line, line_no)
            return
        self._sentence(line, line_no, t, t_recv)

    def _other(self, line: bytes, line_no: int) -> None:
        """A non-AIS sentence is skipped when it is well formed NMEA, else counted as garbage."""
        star = line.find(b"*")
        if star > 0 and _nmea_checksum_ok(line[1:star], line[star + 1 : star + 3]):
            self.summary.skipped["other_nmea"] += 1
        else:
            self.summary.drop("garbage", line_no)

    def _dollar(self, line: bytes, line_no: int) -> None:
        s = self.summary
        star = line.find(b"*")
        if line[3:6] == b"GHP" or line[1:5] == b"PGHP":
            if star < 0 or not _nmea_checksum_ok(line[1:star], line[star + 1 : star + 3]):
                s.drop("bad_checksum", line_no, "$PGHP")
                self._pending_t = math.nan
                return
            try:
                self._pending_t = _pghp_time(line[:star])
            except (ValueError, OverflowError):
                s.drop("bad_time", line_no, "$PGHP")
                self._pending_t = math.nan
                return
            s.skipped["timestamp_line"] += 1
            return
        if line[3:6] in (b"ZDA", b"RMC") and star > 0:
            if not _nmea_checksum_ok(line[1:star], line[star + 1 : star + 3]):
                s.drop("bad_checksum", line_no, line[:6].decode("ascii", "replace"))
                return
            t = _gps_clock_time(line[:star])
            if math.isnan(t):
                # A fix sentence without a usable time (no fix yet, empty fields): skipped,
                # and the clock is not moved.
                s.skipped["other_nmea"] += 1
                return
            self._clock_t = t
            s.skipped["timestamp_line"] += 1
            return
        self._other(line, line_no)

    def _sentence(self, line: bytes, line_no: int, t: float, t_recv: float) -> None:
        s = self.summary
        s.sentences += 1
        if math.isnan(t):
            t = self._pending_t
        self._pending_t = math.nan
        star = line.find(b"*")
        if star < 0:
            s.drop("no_checksum", line_no)
            return
        if not _nmea_checksum_ok(line[1:star], line[star + 1 : star + 3]):
            s.drop("bad_checksum", line_no)
            return
        trailer = line[star + 3 :]
        if trailer:
            # USCG/NAIS: ",d-109,S2105,...,1325394060" - the last field is unix receive time.
            last = trailer.rsplit(b",", 1)[-1]
            if math.isnan(t) and last.isdigit() and len(last) == 10:
                t = float(last)
            line = line[: star + 3]
        if math.isnan(t):
            t = self._clock_t
        if math.isnan(t):
            t = t_recv
        try:
            sent = AISSentence(line)
        except (InvalidNMEAMessageException, ValueError, IndexError) as err:
            s.drop("malformed", line_no, str(err)[:80])
            return
        except Exception as err:  # pyais raising anything else must not stop a feed
            s.drop("malformed", line_no, type(err).__name__)
            return
        if not sent.payload:
            s.drop("empty_payload", line_no)
            return
        if sent.frag_cnt == 1:
            self._message(sent, t, line_no)
            return
        self._fragment(sent, t, line_no)

    def _fragment(self, sent: AISSentence, t: float, line_no: int) -> None:
        s = self.summary
        key = (sent.talker_id, sent.type, sent.seq_id, sent.channel)
        group = self._groups.get(key)
        if sent.frag_num == 1:
            if group is not None:
                s.drop("incomplete_multipart", group[2])
            if len(self._groups) >= _MAX_OPEN_GROUPS:
                old_key = next(iter(self._groups))
                s.drop("incomplete_multipart", self._groups.pop(old_key)[2])
            self._groups[key] = ([sent], t, line_no)
            return
        if (
            group is None
            or group[0][-1].frag_num != sent.frag_num - 1
            or group[0][0].frag_cnt != sent.frag_cnt
        ):
            s.drop("orphan_fragment", line_no)
            if group is not None:
                del self._groups[key]
                s.drop("incomplete_multipart", group[2])
            return
        parts, t0, first_line = group
        parts.append(sent)
        if sent.frag_num == sent.frag_cnt:
            del self._groups[key]
            try:
                whole = AISSentence.assemble_from_iterable(parts)
            except Exception as err:
                s.drop("malformed", first_line, type(err).__name__)
                return
            self._message(whole, t0 if not math.isnan(t0) else t, first_line)

    def finish(self) -> AisData:
        """Close open multipart groups (counted as incomplete) and build the result."""
        for _parts, _t, first_line in self._groups.values():
            self.summary.drop("incomplete_multipart", first_line)
        self._groups.clear()
        pos = self.positions.build()
        counts: dict[int, int] = {}
        for m in pos.mmsi.tolist():
            counts[m] = counts.get(m, 0) + 1
        for m, n in counts.items():
            self._ship(m).n_positions = n
        check_dimensions(self.ships, self.summary)
        return AisData(positions=pos, ships=self.ships, summary=self.summary)

    # -- messages ----------------------------------------------------------------------------

    def _ship(self, mmsi: int) -> ShipInfo:
        ship = self.ships.get(mmsi)
        if ship is None:
            ship = self.ships[mmsi] = ShipInfo(mmsi=mmsi)
        return ship

    def _message(self, sent: AISSentence, t: float, line_no: int) -> None:
        s = self.summary
        mt = sent.ais_id
        if not 1 <= mt <= 27:
            s.drop("unknown_type", line_no, f"type {mt}")
            return
        if mt not in _DECODED:
            s.messages += 1
            s.by_type[mt] += 1
            return
        n_bits = len(sent.payload) * 6 - sent.fill_bits
        if n_bits < _MIN_BITS[mt]:
            s.drop("truncated", line_no, f"type {mt} with {n_bits} bits")
            return
        try:
            d = sent.decode()
        except Exception as err:
            s.drop("decode_error", line_no, type(err).__name__)
            return
        mmsi = int(d.mmsi)
        if not 0 < mmsi <= MMSI_MAX:
            s.drop("bad_mmsi", line_no, f"{mmsi}")
            return
        s.messages += 1
        s.by_type[mt] += 1
        ship = self.ships.get(mmsi)
        if ship is None:
            ship = self.ships[mmsi] = ShipInfo(mmsi=mmsi, ais_class=_CLASS_OF[mt])
        if mt == 5:
            self._static5(d, _raw_ship_type(sent, 232))
            return
        if mt == 24:
            self._static24(d, _raw_ship_type(sent, 40))
            return
        if mt == 19:
            ship = self._ship(mmsi)
            ship.name = clean_text(d.shipname) or ship.name
            raw_type = _raw_ship_type(sent, 263)
            if raw_type:
                ship.ship_type = raw_type
            ship.set_dimensions(d.to_bow, d.to_stern, d.to_port, d.to_starboard)
        if not time_ok(t):
            s.drop("bad_time", line_no, f"type {mt} mmsi {mmsi} time {t:.6g}")
            return
        lat, lon = d.lat, d.lon
        # 91 / 181 ("not available") fall outside the valid range: one test on the hot path,
        # latlon_ok tells the two reasons apart.
        if lat is None or lon is None or not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            s.drop(latlon_ok(lat, lon) or "bad_position", line_no, f"type {mt} mmsi {mmsi}")
            return
        if mt == 18 or mt == 19:
            status = -1  # class B has no navigational status field
            heading = heading_from_deg(d.heading)
            rot = math.nan
        elif mt == 27:
            status = int(d.status)
            heading = math.nan
            rot = math.nan
        else:
            status = int(d.status)
            heading = heading_from_deg(d.heading)
            rot = rot_from_deg_min(d.turn)
        self._rows.append(
            (
                t,
                mmsi,
                lat,
                lon,
                sog_from_kn(d.speed, mt),
                cog_from_deg(d.course, mt),
                heading,
                rot,
                mt,
                status,
            )
        )

    def _static5(self, d, raw_type: int) -> None:
        ship = self._ship(int(d.mmsi))
        ship.name = clean_text(d.shipname) or ship.name
        ship.callsign = clean_text(d.callsign) or ship.callsign
        if d.imo:
            ship.imo = int(d.imo)
        if raw_type:
            ship.ship_type = raw_type
        ship.set_dimensions(d.to_bow, d.to_stern, d.to_port, d.to_starboard)
        if d.draught:
            ship.draught_m = float(d.draught)
        ship.destination = clean_text(d.destination) or ship.destination

    def _static24(self, d, raw_type: int) -> None:
        ship = self._ship(int(d.mmsi))
        if int(d.partno) == 0:
            ship.name = clean_text(d.shipname) or ship.name
            return
        if raw_type:
            ship.ship_type = raw_type
        ship.callsign = clean_text(d.callsign) or ship.callsign
        # An auxiliary craft (MMSI 98xxxxxxx) sends its mother ship's MMSI instead of sizes.
        if not str(ship.mmsi).startswith("98"):
            ship.set_dimensions(d.to_bow, d.to_stern, d.to_port, d.to_starboard)


def _read_bulk(path: str, name: str):
    """The file through the bulk decoder, a block at a time (plain or gzip)."""
    from autoship.ais.fastnmea import BLOCK_BYTES, BulkDecoder

    dec = BulkDecoder(name)
    try:
        with open(path, "rb") as fh:
            magic = fh.read(2)
        opener = gzip.open if magic == b"\x1f\x8b" else open
        with opener(path, "rb") as fh:
            while block := fh.read(BLOCK_BYTES):
                dec.feed(block)
    except (OSError, EOFError, zlib.error, ValueError) as err:  # BadGzipFile is an OSError
        raise AisError(f"cannot read: {' '.join(str(err).split())}", file=path) from None
    return dec.finish()


def read_nmea(
    source: str | os.PathLike | bytes | bytearray | Iterable[bytes | str],
    *,
    name: str | None = None,
) -> AisData:
    """Read NMEA AIS from a file path (plain or gzip), a buffer of a whole log (bytes) or an
    iterable of lines.

    A file or buffer is decoded in bulk, a block of lines at a time (``fastnmea``, Numba); an
    iterable goes line by line through ``NmeaDecoder``; both give the same result for the same
    lines.
    Never raises on bad content: every unusable line or message is counted in
    ``result.summary.drops`` by reason. Raises ``AisError`` only when the file cannot be read.
    """
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        if not os.path.isfile(path):
            raise AisError("no such file", file=path)
        return _read_bulk(path, name or path)
    if isinstance(source, bytes | bytearray | memoryview):
        from autoship.ais.fastnmea import decode_nmea_bytes

        return decode_nmea_bytes(bytes(source), name or "<bytes>")
    lines = (x.encode("ascii", "replace") if isinstance(x, str) else x for x in source)
    label = name or "<lines>"
    dec = NmeaDecoder(label)
    feed = dec.feed
    for raw in lines:
        feed(raw)
    return dec.finish()
