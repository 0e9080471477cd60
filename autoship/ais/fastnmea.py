"""Bulk NMEA AIS decoding in Numba: whole files or buffers, same results as ``NmeaDecoder``.

``NmeaDecoder`` (nmea.py) reads line by line in Python with pyais underneath; that costs more
per message than pyais alone. Here the same reading runs in three steps over a block of lines
at a time (``BulkDecoder``; state carries over, so memory stays bounded on any file size):

1. ``classify_lines`` (Numba, one pass, no state): line framing, tag blocks, checksums, USCG
   trailers, ``$PGHP`` and ``$--ZDA``/``$--RMC`` times and the fields of every
   ``!xxVDM``/``!xxVDO`` sentence written the canonical way (IEC 61162-1 layout, upper-case
   talker, 6-bit payload characters, fill 0-5). A line it is not certain about (odd number
   formats, lower-case talkers, anything pyais might refuse) is marked ``K_PY`` and classified
   by ``classify_line_py``: the same rules written with the helpers of nmea.py and pyais.
2. ``run_lines`` (Numba, sequential): the decoder's state (``$PGHP`` and GPS clocks, multipart
   groups with the same 64-group limit and eviction order), six-bit unpacking and decoding of
   types 1-3, 5, 18, 19, 24 and 27 with pyais's conversions, the same drop rules, in the same
   order; other types are counted by their first six bits, as before.
3. Python replays what needs Python objects, in order: drop reasons with their example texts,
   ship static data, ships by first message.

pyais stays the oracle (tests decode every bundled NMEA file both ways) and the fallback for
lines step 1 leaves to Python.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
from pyais.exceptions import InvalidNMEAMessageException
from pyais.messages import AISSentence

from autoship._jit import njit
from autoship.ais.records import (
    CLASS_A_TYPES,
    AisData,
    Positions,
    ReadSummary,
    ShipInfo,
    check_dimensions,
    clean_text,
)
from autoship.units import DEG, KNOT

# Line kinds (step 1).
K_BLANK = 0
K_COMMENT = 1
K_DROP = 2  # a drop with a fixed detail (reason, detail codes below)
K_OTHER_NMEA = 3
K_PGHP_OK = 4
K_PGHP_BADCHK = 5
K_PGHP_BADTIME = 6
K_CLOCK_OK = 7
K_CLOCK_BADCHK = 8
K_CLOCK_NOTIME = 9
K_AIS_NOCHK = 10
K_AIS_BADCHK = 11
K_AIS_MALFORMED = 12
K_AIS = 13
K_PY = 14

# Drop reasons: indices into REASONS (the names nmea.py uses).
REASONS = (
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
    "bad_time",
    "bad_mmsi",
)
R_BAD_CHECKSUM = 0
R_NO_CHECKSUM = 1
R_BAD_TAG_BLOCK = 2
R_MALFORMED = 3
R_EMPTY_PAYLOAD = 4
R_ORPHAN = 5
R_INCOMPLETE = 6
R_TRUNCATED = 7
R_DECODE_ERROR = 8
R_UNKNOWN_TYPE = 9
R_GARBAGE = 10
R_NO_POSITION = 11
R_BAD_POSITION = 12
R_BAD_TIME = 13
R_BAD_MMSI = 14

# Drop details: how step 3 writes the example text.
D_NONE = 0
D_UNTERMINATED = 1  # "unterminated tag block"
D_TAG = 2  # "tag block checksum or time"
D_TAG_ALONE = 3  # "tag block without sentence"
D_PGHP = 4  # "$PGHP"
D_LINE6 = 5  # the first six characters of the sentence
D_TEXT = 6  # a text step 1 kept (pyais's own error)
D_TYPE = 7  # "type {a}"
D_TYPE_BITS = 8  # "type {a} with {b} bits"
D_PARTNO = 9  # "UnknownPartNoException"
D_MMSI = 10  # "{a}"
D_TYPE_MMSI = 11  # "type {a} mmsi {b}"
D_TYPE_MMSI_TIME = 12  # "type {a} mmsi {b} time {t:.6g}"

_FIXED_DETAILS = {
    D_NONE: "",
    D_UNTERMINATED: "unterminated tag block",
    D_TAG: "tag block checksum or time",
    D_TAG_ALONE: "tag block without sentence",
    D_PGHP: "$PGHP",
    D_PARTNO: "UnknownPartNoException",
}

# Sequence id of a sentence without one (pyais: None).
SEQ_NONE = -(1 << 62)
# Copies of nmea.py's and records.py's limits, not imports: Numba freezes globals into the
# cached machine code and revalidates the cache against this file only, so a limit changed
# there would not reach the kernels. A test checks that the copies agree.
MAX_OPEN_GROUPS = 64  # nmea._MAX_OPEN_GROUPS
MMSI_MAX = 999_999_999
T_MIN_S = 946_684_800.0
T_MAX_S = 4_102_444_800.0

# Shortest payload (bits) decoded per type (nmea._MIN_BITS); 0 = counted, not decoded.
_MIN_BITS = np.zeros(64, dtype=np.int64)
for _t, _b in {1: 143, 2: 143, 3: 143, 5: 302, 18: 139, 19: 301, 24: 160, 27: 96}.items():
    _MIN_BITS[_t] = _b

# Static data events (step 2 -> 3).
S_TYPE5 = 5
S_TYPE19 = 19
S_TYPE24A = 240
S_TYPE24B = 241
# Integer fields of a static event; -1 = not in the payload (pyais: None).
I_IMO, I_RAW_TYPE, I_BOW, I_STERN, I_PORT, I_STBD, I_DRAUGHT = range(7)
N_INTS = 7
# Text fields: (column offset, characters) in the event's text row.
T_NAME = (0, 20)
T_CALLSIGN = (20, 7)
T_DEST = (27, 20)
TEXT_WIDTH = 47

_SIXBIT_CHARS = bytes((v + 64) if v < 32 else v for v in range(64))
_SIXBIT_TABLE = np.frombuffer(_SIXBIT_CHARS, dtype=np.uint8).copy()
_ARMOR = np.array(
    [(c - 48 - 8 if c - 48 > 40 else c - 48) if 48 <= c <= 119 else 0 for c in range(256)],
    dtype=np.uint8,
)


# --- step 1: lines ------------------------------------------------------------------------------


@njit
def split_lines(buf):
    """(starts, ends) of the lines as a binary file iterates them (split after each ``\\n``)."""
    n = 0
    for i in range(buf.shape[0]):
        if buf[i] == 10:
            n += 1
    if buf.shape[0] and buf[buf.shape[0] - 1] != 10:
        n += 1
    starts = np.empty(n, dtype=np.int64)
    ends = np.empty(n, dtype=np.int64)
    k = 0
    s = 0
    for i in range(buf.shape[0]):
        if buf[i] == 10:
            starts[k] = s
            ends[k] = i + 1
            k += 1
            s = i + 1
    if k < n:
        starts[k] = s
        ends[k] = buf.shape[0]
    return starts, ends


@njit
def _is_ws(c):
    return c == 32 or 9 <= c <= 13


@njit
def _hexval(c):
    if 48 <= c <= 57:
        return c - 48
    if 65 <= c <= 70:
        return c - 55
    if 97 <= c <= 102:
        return c - 87
    return -1


@njit
def _checksum_ok(buf, body0, body1, chk0, end):
    # nmea._nmea_checksum_ok(line[body0:body1], line[chk0:chk0 + 2]): exactly two hex digits,
    # both upper or both lower case (the lookup table's keys), equal to the XOR of the body.
    if chk0 + 2 > end:
        return False
    a = buf[chk0]
    b = buf[chk0 + 1]
    ha = _hexval(a)
    hb = _hexval(b)
    if ha < 0 or hb < 0:
        return False
    lower = (97 <= a <= 102) or (97 <= b <= 102)
    upper = (65 <= a <= 70) or (65 <= b <= 70)
    if lower and upper:
        return False
    x = 0
    for i in range(body0, body1):
        x ^= buf[i]
    return x == ha * 16 + hb


@njit
def _find(buf, s, e, c):
    for i in range(s, e):
        if buf[i] == c:
            return i
    return -1


@njit
def _match(buf, s, e, off, pattern):
    # line[off:off + len(pattern)] == pattern, for the line buf[s:e].
    n = pattern.shape[0]
    if s + off + n > e:
        return False
    for k in range(n):  # noqa: SIM110 (a generator is not Numba)
        if buf[s + off + k] != pattern[k]:
            return False
    return True


@njit
def _digits(buf, s, e, max_digits):
    # Value of a plain run of ASCII digits (what int() surely reads the same), else -1.
    if e <= s or e - s > max_digits:
        return -1
    v = 0
    for i in range(s, e):
        c = buf[i]
        if not 48 <= c <= 57:
            return -1
        v = v * 10 + (c - 48)
    return v


@njit
def _days_from_civil(y, m, d):
    # Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    if m <= 2:
        y -= 1
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    mp = m + 9 if m <= 2 else m - 3
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


@njit
def _days_in_month(y, m):
    if m == 2:
        leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
        return 29 if leap else 28
    if m in (4, 6, 9, 11):
        return 30
    return 31


@njit
def _pghp(buf, s, star, out, scratch):
    # nmea._pghp_time(line[:star]) -> (status, t): 0 ok, 1 bad time, 2 leave it to Python.
    # Field boundaries of line[s:star] split at commas (scratch: 10 + 9 + 7 int64, reused).
    bounds = scratch[0:10]
    nf = 0
    bounds[0] = s
    for i in range(s, star):
        if buf[i] == 44:
            nf += 1
            if nf >= 9:
                break
            bounds[nf] = i + 1
    if nf < 8:
        return 1  # fewer than 9 fields
    # f[k] = buf[bounds[k] : next comma]
    ends = scratch[10:19]
    for k in range(9):
        stop = bounds[k + 1] - 1 if k < 8 else star
        if k == 8:
            c = _find(buf, bounds[8], star, 44)
            stop = c if c >= 0 else star
        ends[k] = stop
    if not (ends[1] - bounds[1] == 1 and buf[bounds[1]] == 49):
        return 1  # f[1] != b"1"
    v = scratch[19:26]
    for k in range(7):
        v[k] = _digits(buf, bounds[k + 2], ends[k + 2], 9)
        if v[k] < 0:
            return 2
    y, mo, d, h, mi, sec, ms = v[0], v[1], v[2], v[3], v[4], v[5], v[6]
    if not (1 <= y <= 9999 and 1 <= mo <= 12 and 0 <= h <= 23 and 0 <= mi <= 59):
        return 1
    if not 1 <= d <= _days_in_month(y, mo):
        return 1
    if not (0 <= sec <= 60 and 0 <= ms <= 999):
        return 1
    base = float(_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60)
    out[0] = base + sec + ms / 1000.0
    return 0


@njit
def _tag_time(buf, t0, t1, out):
    # nmea._tag_block_time(line[t0:t1]) -> 0 ok (out[0] = time or NaN), 1 bad, 2 Python.
    star = -1
    for i in range(t1 - 1, t0 - 1, -1):
        if buf[i] == 42:
            star = i
            break
    if star < 0:
        return 1
    end = min(star + 3, t1)
    if not _checksum_ok(buf, t0, star, star + 1, end):
        return 1
    out[0] = math.nan
    i = t0
    while i <= star:
        j = _find(buf, i, star, 44)
        if j < 0:
            j = star
        if j - i >= 2 and buf[i] == 99 and buf[i + 1] == 58:  # "c:"
            v = _digits(buf, i + 2, j, 15)
            if v < 0:
                return 2
            c = float(v)
            out[0] = c / 1000.0 if c > 1e11 else c
            return 0
        i = j + 1
    return 0


@njit
def _decimal(buf, s, e):
    # float() of "ddd" or "ddd.ddd" (15 digits at most), as mantissa / 10**k: one correctly
    # rounded division, so bit for bit what float() gives. NaN for anything else.
    m = 0
    k = 0
    dot = -1
    nd = 0
    for j in range(s, e):
        c = buf[j]
        if c == 46 and dot < 0 and j > s:
            dot = j
            continue
        if not 48 <= c <= 57:
            return math.nan
        m = m * 10 + (c - 48)
        nd += 1
        if dot >= 0:
            k += 1
    if nd == 0 or nd > 15:
        return math.nan
    return m / 10.0**k


@njit
def _gps_clock(buf, s, star, out, scratch):
    # nmea._gps_clock_time(line[s:star]): 0 ok (out[0]), 1 no time (NaN), 2 leave it to Python.
    # Starts and ends of the first 10 comma fields (the 10th ends at its comma, if any).
    fs = scratch[0:10]
    fe = scratch[10:20]
    nf = 0
    start = s
    while nf < 10:
        c = _find(buf, start, star, 44)
        fs[nf] = start
        fe[nf] = c if c >= 0 else star
        nf += 1
        if c < 0:
            break
        start = c + 1
    if nf < 2:
        return 1  # f[1]: IndexError
    hs = fs[1]
    if fe[1] - hs < 6:
        return 1
    hh = _digits(buf, hs, hs + 2, 2)
    mi = _digits(buf, hs + 2, hs + 4, 2)
    ss = _decimal(buf, hs + 4, fe[1])
    if hh < 0 or mi < 0 or ss != ss:
        return 2
    is_zda = fe[0] - fs[0] >= 6 and _match(buf, fs[0], fe[0], 3, _ZDA)
    if is_zda:
        if nf < 5:
            return 1
        day = _digits(buf, fs[2], fe[2], 9)
        mon = _digits(buf, fs[3], fe[3], 9)
        year = _digits(buf, fs[4], fe[4], 9)
        if day < 0 or mon < 0 or year < 0:
            return 2
    else:
        if nf < 10:
            return 1
        if fe[9] - fs[9] != 6:
            return 1
        day = _digits(buf, fs[9], fs[9] + 2, 2)
        mon = _digits(buf, fs[9] + 2, fs[9] + 4, 2)
        yy = _digits(buf, fs[9] + 4, fs[9] + 6, 2)
        if day < 0 or mon < 0 or yy < 0:
            return 2
        year = 2000 + yy
    if not (2000 <= year <= 2099 and 0 <= hh < 24 and 0 <= mi < 60 and 0.0 <= ss < 61.0):
        return 1
    if not (1 <= mon <= 12 and 1 <= day <= 31):
        return 1  # calendar.timegm refuses the month, or the day makes it NaN
    days = _days_from_civil(year, mon, 1) + day - 1
    out[0] = float(days * 86400 + hh * 3600 + mi * 60) + ss + 0.0
    return 0


_VDM = np.frombuffer(b"VDM", dtype=np.uint8).copy()
_VDO = np.frombuffer(b"VDO", dtype=np.uint8).copy()
_GHP = np.frombuffer(b"GHP", dtype=np.uint8).copy()
_PGHP = np.frombuffer(b"PGHP", dtype=np.uint8).copy()
_ZDA = np.frombuffer(b"ZDA", dtype=np.uint8).copy()
_RMC = np.frombuffer(b"RMC", dtype=np.uint8).copy()


@njit
def _classify(buf, ls, le, i, kind, reason, detail, tval, trail, fields, out, scratch):
    s = ls
    e = le
    while s < e and _is_ws(buf[s]):
        s += 1
    while e > s and _is_ws(buf[e - 1]):
        e -= 1
    fields[i, 7] = s
    if s == e:
        kind[i] = K_BLANK
        return
    first = buf[s]
    tval[i] = math.nan
    trail[i] = math.nan
    if first == 92:  # tag block
        end = _find(buf, s + 1, e, 92)
        if end < 0:
            kind[i] = K_DROP
            reason[i] = R_BAD_TAG_BLOCK
            detail[i] = D_UNTERMINATED
            return
        st = _tag_time(buf, s + 1, end, out)
        if st == 2:
            kind[i] = K_PY
            return
        if st == 1:
            kind[i] = K_DROP
            reason[i] = R_BAD_TAG_BLOCK
            detail[i] = D_TAG
            return
        tval[i] = out[0]
        s = end + 1
        fields[i, 7] = s
        if s == e:
            kind[i] = K_DROP
            reason[i] = R_MALFORMED
            detail[i] = D_TAG_ALONE
            return
        first = buf[s]
    if first == 35:
        kind[i] = K_COMMENT
        return
    star = _find(buf, s, e, 42)
    if first == 36:
        if _match(buf, s, e, 3, _GHP) or _match(buf, s, e, 1, _PGHP):
            tval[i] = math.nan
            if star < 0 or not _checksum_ok(buf, s + 1, star, star + 1, e):
                kind[i] = K_PGHP_BADCHK
                return
            st = _pghp(buf, s, star, out, scratch)
            if st == 2:
                kind[i] = K_PY
            elif st == 1:
                kind[i] = K_PGHP_BADTIME
            else:
                kind[i] = K_PGHP_OK
                tval[i] = out[0]
            return
        if (_match(buf, s, e, 3, _ZDA) or _match(buf, s, e, 3, _RMC)) and star > 0:
            if not _checksum_ok(buf, s + 1, star, star + 1, e):
                kind[i] = K_CLOCK_BADCHK
                return
            st = _gps_clock(buf, s, star, out, scratch)
            if st == 2:
                kind[i] = K_PY
            elif st == 1:
                kind[i] = K_CLOCK_NOTIME
            else:
                kind[i] = K_CLOCK_OK
                tval[i] = out[0]
            return
        _other(buf, s, e, star, i, kind, reason, detail)
        return
    if first != 33:
        kind[i] = K_DROP
        reason[i] = R_GARBAGE
        detail[i] = D_NONE
        return
    if not (_match(buf, s, e, 3, _VDM) or _match(buf, s, e, 3, _VDO)):
        _other(buf, s, e, star, i, kind, reason, detail)
        return
    if star < 0:
        kind[i] = K_AIS_NOCHK
        return
    if not _checksum_ok(buf, s + 1, star, star + 1, e):
        kind[i] = K_AIS_BADCHK
        return
    cut = star + 3
    if cut < e:
        # USCG trailer: the last comma field, ten digits, is the receive time.
        c = cut
        for j in range(e - 1, cut - 1, -1):
            if buf[j] == 44:
                c = j + 1
                break
        if e - c == 10:
            v = _digits(buf, c, e, 10)
            if v >= 0:
                trail[i] = float(v)
    if not _canonical_sentence(buf, s, cut, i, fields):
        kind[i] = K_PY
        return
    kind[i] = K_AIS


@njit
def _other(buf, s, e, star, i, kind, reason, detail):
    # nmea._other: a well-formed non-AIS sentence is skipped, anything else is garbage.
    if star > 0 and _checksum_ok(buf, s + 1, star, star + 1, e):
        kind[i] = K_OTHER_NMEA
    else:
        kind[i] = K_DROP
        reason[i] = R_GARBAGE
        detail[i] = D_NONE


@njit
def _canonical_sentence(buf, s, e, i, fields):
    # ``!ccVDM,n,k,[seq],[chan],payload,fill*hh`` with an upper-case talker, single-digit
    # counts (1 <= k <= n), a short decimal sequence id, a one-character channel, 6-bit payload
    # characters (at most pyais's 200) and fill 0-5: exactly what pyais reads the same way.
    # fields[i] = talker, vdo, seq, chan, frag_cnt, frag_num, fill, (7: sentence start),
    # payload start, payload length.
    if e - s < 17:
        return False
    a = buf[s + 1]
    b = buf[s + 2]
    if not (65 <= a <= 90 and 65 <= b <= 90) or buf[s + 6] != 44:
        return False
    p = s + 7
    n = int(buf[p]) - 48
    if not (1 <= n <= 9) or buf[p + 1] != 44:
        return False
    k = int(buf[p + 2]) - 48
    if not (1 <= k <= n) or buf[p + 3] != 44:
        return False
    p += 4
    q = _find(buf, p, e, 44)
    if q < 0:
        return False
    seq = SEQ_NONE
    if q > p:
        seq = _digits(buf, p, q, 9)
        if seq < 0:
            return False
    p = q + 1
    chan = 0
    if p < e and buf[p] != 44:
        c = buf[p]
        if not (48 <= c <= 57 or 65 <= c <= 90):
            return False
        chan = int(c)
        p += 1
    if p >= e or buf[p] != 44:
        return False
    p += 1
    q = p
    while q < e and 48 <= buf[q] <= 119:
        q += 1
    if q - p > 200 or q >= e or buf[q] != 44:
        return False
    # After the payload: ",f*hh" ends the sentence.
    if q + 5 != e or buf[q + 2] != 42:
        return False
    fill = int(buf[q + 1]) - 48
    if not 0 <= fill <= 5:
        return False
    fields[i, 0] = int(a) * 256 + int(b)
    fields[i, 1] = 1 if buf[s + 5] == 79 else 0
    fields[i, 2] = seq
    fields[i, 3] = chan
    fields[i, 4] = n
    fields[i, 5] = k
    fields[i, 6] = fill
    fields[i, 8] = p
    fields[i, 9] = q - p
    return True


@njit
def classify_lines(buf, starts, ends, kind, reason, detail, tval, trail, fields):
    """Step 1 over every line; ``kind[i] = K_PY`` where Python must decide."""
    out = np.empty(1)
    scratch = np.empty(26, dtype=np.int64)
    for i in range(starts.shape[0]):
        _classify(
            buf, starts[i], ends[i], i, kind, reason, detail, tval, trail, fields, out, scratch
        )


# --- step 1 in Python: the reference, and the fallback for K_PY lines ---------------------------


class _Codes:
    """Integer codes for the parts of a multipart group key that are not canonical."""

    def __init__(self) -> None:
        self.talker: dict[str, int] = {}
        self.vtype: dict[str, int] = {}
        self.chan: dict[str, int] = {}
        self.seq: dict[int, int] = {}

    def talker_code(self, s: str) -> int:
        if len(s) == 2 and s.isascii():
            return ord(s[0]) * 256 + ord(s[1])
        return self.talker.setdefault(s, -1 - len(self.talker))

    def vtype_code(self, s: str) -> int:
        if s in ("VDM", "VDO"):
            return int(s == "VDO")
        return self.vtype.setdefault(s, 2 + len(self.vtype))

    def chan_code(self, s: str) -> int:
        if s == "":
            return 0
        if len(s) == 1:
            return ord(s)
        return self.chan.setdefault(s, 256 + len(self.chan))

    def seq_code(self, v: int | None) -> int:
        if v is None:
            return SEQ_NONE
        if -(1 << 61) < v < (1 << 61):
            return v
        return self.seq.setdefault(v, SEQ_NONE + 1 + len(self.seq))


def classify_line_py(
    buf: bytes, ls: int, le: int, codes: _Codes, texts: list[str]
) -> tuple[int, int, int, float, float, tuple[int, ...]]:
    """Step 1 for one line, written with nmea.py's helpers and pyais: (kind, reason, detail,
    tval, trail, fields). A malformed sentence's pyais error is appended to ``texts``."""
    from autoship.ais import nmea

    raw = buf[ls:le]
    line = raw.strip()
    nan = math.nan
    s0 = ls + (len(raw) - len(raw.lstrip()))

    def fields_at(start: int) -> tuple[int, ...]:
        return (0, 0, 0, 0, 0, 0, 0, start, 0, 0)

    if not line:
        return K_BLANK, 0, 0, nan, nan, fields_at(s0)
    first = line[0]
    t = nan
    if first == 92:
        end = line.find(b"\\", 1)
        if end < 0:
            return K_DROP, R_BAD_TAG_BLOCK, D_UNTERMINATED, nan, nan, fields_at(s0)
        ok, t = nmea._tag_block_time(line[1:end])
        if not ok:
            return K_DROP, R_BAD_TAG_BLOCK, D_TAG, nan, nan, fields_at(s0)
        line = line[end + 1 :]
        s0 += end + 1
        if not line:
            return K_DROP, R_MALFORMED, D_TAG_ALONE, t, nan, fields_at(s0)
        first = line[0]
    if first == 35:
        return K_COMMENT, 0, 0, t, nan, fields_at(s0)
    star = line.find(b"*")

    def other() -> tuple:
        if star > 0 and nmea._nmea_checksum_ok(line[1:star], line[star + 1 : star + 3]):
            return K_OTHER_NMEA, 0, 0, t, nan, fields_at(s0)
        return K_DROP, R_GARBAGE, D_NONE, t, nan, fields_at(s0)

    if first == 36:
        if line[3:6] == b"GHP" or line[1:5] == b"PGHP":
            if star < 0 or not nmea._nmea_checksum_ok(line[1:star], line[star + 1 : star + 3]):
                return K_PGHP_BADCHK, 0, 0, nan, nan, fields_at(s0)
            try:
                tp = nmea._pghp_time(line[:star])
            except (ValueError, OverflowError):
                return K_PGHP_BADTIME, 0, 0, nan, nan, fields_at(s0)
            return K_PGHP_OK, 0, 0, tp, nan, fields_at(s0)
        if line[3:6] in (b"ZDA", b"RMC") and star > 0:
            if not nmea._nmea_checksum_ok(line[1:star], line[star + 1 : star + 3]):
                return K_CLOCK_BADCHK, 0, 0, nan, nan, fields_at(s0)
            tc = nmea._gps_clock_time(line[:star])
            if math.isnan(tc):
                return K_CLOCK_NOTIME, 0, 0, nan, nan, fields_at(s0)
            return K_CLOCK_OK, 0, 0, tc, nan, fields_at(s0)
        return other()
    if first != 33:
        return K_DROP, R_GARBAGE, D_NONE, t, nan, fields_at(s0)
    if line[3:6] not in (b"VDM", b"VDO"):
        return other()
    if star < 0:
        return K_AIS_NOCHK, 0, 0, t, nan, fields_at(s0)
    if not nmea._nmea_checksum_ok(line[1:star], line[star + 1 : star + 3]):
        return K_AIS_BADCHK, 0, 0, t, nan, fields_at(s0)
    trail = nan
    trailer = line[star + 3 :]
    if trailer:
        last = trailer.rsplit(b",", 1)[-1]
        if last.isdigit() and len(last) == 10:
            trail = float(last)
        line = line[: star + 3]
    try:
        sent = AISSentence(line)
    except (InvalidNMEAMessageException, ValueError, IndexError) as err:
        texts.append(str(err)[:80])
        return K_AIS_MALFORMED, R_MALFORMED, len(texts) - 1, t, trail, fields_at(s0)
    except Exception as err:  # as nmea.py: pyais raising anything else is a malformed line
        texts.append(type(err).__name__)
        return K_AIS_MALFORMED, R_MALFORMED, len(texts) - 1, t, trail, fields_at(s0)
    parts = line.split(b",")
    p_off = s0 + sum(len(f) + 1 for f in parts[:5])
    return (
        K_AIS,
        0,
        0,
        t,
        trail,
        (
            codes.talker_code(sent.talker_id),
            codes.vtype_code(sent.type),
            codes.seq_code(sent.seq_id),
            codes.chan_code(sent.channel),
            sent.frag_cnt,
            sent.frag_num,
            sent.fill_bits,
            s0,
            p_off,
            len(sent.payload),
        ),
    )


# --- step 2: the decoder's state machine -------------------------------------------------------


@njit
def _bits_get(vals, length, start, width):
    # pyais bit_vector.get: ``width`` (<= 48) bits at ``start`` of a ``length``-bit vector of
    # 6-bit characters; only the bits that exist when the field runs past the end
    # (right-aligned), 0 past the end.
    if width <= 0 or start >= length:
        return 0
    avail = min(width, length - start)
    end = start + avail
    c1 = (end - 1) // 6
    v = 0
    for c in range(start // 6, c1 + 1):
        v = (v << 6) | vals[c]
    return (v >> ((c1 + 1) * 6 - end)) & ((1 << avail) - 1)


@njit
def _bits_signed(vals, length, start, width):
    if width <= 0 or start >= length:
        return 0
    avail = min(width, length - start)
    v = _bits_get(vals, length, start, width)
    if v & (1 << (avail - 1)):
        v -= 1 << avail
    return v


@njit
def _round_half_even(x):
    r = math.floor(x)
    d = x - r
    if d > 0.5 or (d == 0.5 and r % 2.0 != 0.0):
        r += 1.0
    return r


@njit
def _text(vals, length, start, width, text, row, col, n_chars, tlen, slot):
    # pyais get_str: 6-bit characters (partial at the end as get() gives them); None past it.
    if start >= length:
        tlen[row, slot] = -1
        return
    k = 0
    for b in range(start, start + width, 6):
        text[row, col + k] = _SIXBIT_TABLE[_bits_get(vals, length, b, 6)]
        k += 1
        if k >= n_chars:
            break
    tlen[row, slot] = k


@njit
def _int_field(vals, length, start, width):
    # An unsigned field, or -1 when it lies past the payload (pyais: None).
    if start >= length:
        return -1
    return _bits_get(vals, length, start, width)


# Layout of the decoder state kept between blocks (numpy arrays, so Numba can update them).
# gi[g]: key (4), part lengths (9), part fill bits (9), active, dict order, parts, first line,
# first fragment's count, last fragment's number.
G_KEY = 0
G_LEN = 4
G_FILL = 13
G_ACTIVE = 22
G_ORDER = 23
G_N = 24
G_FIRST = 25
G_FCNT = 26
G_LAST = 27
G_COLS = 28
MAX_PAYLOAD = 200  # pyais MAX_PAYLOAD_LEN: a longer fragment is malformed
# counts: sentences, messages, blank, comment, other_nmea, timestamp_line (whole read), then
# open groups, next dict order; out_n: positions, drops, messages, static events (one block).
C_OPEN = 6
C_ORDER = 7
N_COUNTS = 8


@njit
def run_lines(
    buf,
    line0,
    kind,
    reason,
    detail,
    tval,
    trail,
    fields,
    t_recv,
    clocks,
    gi,
    gt,
    gp,
    counts,
    by_type,
    firsts,
    pos_f,
    pos_i,
    drops,
    drop_t,
    msgs,
    st_ints,
    st_text,
    st_tlen,
    out_n,
    final,
):
    """Step 2 over one block of lines (``line0`` lines precede it). State carried between
    blocks: ``clocks`` ($PGHP time, GPS clock), the open multipart groups (``gi``, ``gt`` their
    times, ``gp`` their payload characters, copied, so a block's buffer can go), ``counts``,
    ``by_type`` and ``firsts`` (the step at which each skip reason and message type was first
    counted, so the summary's counters keep NmeaDecoder's order). Outputs of the block:
    ``pos_f`` (t, lat, lon, sog, cog, heading, rot) and ``pos_i`` (mmsi, type, status) rows,
    ``drops`` (reason, line, detail, a, b) with ``drop_t``, ``msgs`` (mmsi, type, static event
    or -1) per decoded message, static events (``st_ints``: kind, mmsi, then N_INTS fields;
    texts); ``out_n`` counts them. ``final`` closes the groups still open at the end."""
    vals = np.empty(9 * MAX_PAYLOAD, dtype=np.uint8)
    # The message ready to decode: characters, first fragment's characters, first and last
    # fragment's fill bits, line number.
    msg = np.zeros(5, dtype=np.int64)
    for i in range(kind.shape[0]):
        k = kind[i]
        line_no = line0 + i + 1
        if k == K_BLANK:
            _skip(counts, firsts, 0, line_no)
        elif k == K_COMMENT:
            _skip(counts, firsts, 1, line_no)
        elif k == K_OTHER_NMEA or k == K_CLOCK_NOTIME:  # noqa: SIM109 (plain compares in Numba)
            _skip(counts, firsts, 2, line_no)
        elif k == K_DROP:
            _drop(drops, drop_t, out_n, reason[i], line_no, detail[i], 0, 0, math.nan)
        elif k == K_PGHP_OK:
            clocks[0] = tval[i]
            _skip(counts, firsts, 3, line_no)
        elif k == K_PGHP_BADCHK:
            _drop(drops, drop_t, out_n, R_BAD_CHECKSUM, line_no, D_PGHP, 0, 0, math.nan)
            clocks[0] = math.nan
        elif k == K_PGHP_BADTIME:
            _drop(drops, drop_t, out_n, R_BAD_TIME, line_no, D_PGHP, 0, 0, math.nan)
            clocks[0] = math.nan
        elif k == K_CLOCK_OK:
            clocks[1] = tval[i]
            _skip(counts, firsts, 3, line_no)
        elif k == K_CLOCK_BADCHK:
            _drop(drops, drop_t, out_n, R_BAD_CHECKSUM, line_no, D_LINE6, i, 0, math.nan)
        else:
            # An AIS sentence: it takes the $PGHP time whatever becomes of it.
            counts[0] += 1
            t = tval[i]
            if math.isnan(t):
                t = clocks[0]
            clocks[0] = math.nan
            if k == K_AIS_NOCHK:
                _drop(drops, drop_t, out_n, R_NO_CHECKSUM, line_no, D_NONE, 0, 0, math.nan)
                continue
            if k == K_AIS_BADCHK:
                _drop(drops, drop_t, out_n, R_BAD_CHECKSUM, line_no, D_NONE, 0, 0, math.nan)
                continue
            if math.isnan(t):
                t = trail[i]
            if math.isnan(t):
                t = clocks[1]
            if math.isnan(t):
                t = t_recv
            if k == K_AIS_MALFORMED:
                _drop(drops, drop_t, out_n, R_MALFORMED, line_no, D_TEXT, detail[i], 0, math.nan)
                continue
            ps = fields[i, 8]
            pl = fields[i, 9]
            if pl == 0:
                _drop(drops, drop_t, out_n, R_EMPTY_PAYLOAD, line_no, D_NONE, 0, 0, math.nan)
                continue
            fcnt = fields[i, 4]
            fill = fields[i, 6]
            msg_t = t
            if fcnt == 1:
                for c in range(pl):
                    vals[c] = _ARMOR[buf[ps + c]]
                msg[0] = pl
                msg[1] = pl
                msg[2] = fill
                msg[3] = fill
                msg[4] = line_no
            else:
                g = _fragment(buf, i, line_no, t, fields, gi, gt, gp, vals, msg, counts, drops,
                              drop_t, out_n)  # fmt: skip
                if g < 0:
                    continue
                msg_t = gt[g] if not math.isnan(gt[g]) else t
            # One call site: the message decoder is the bulk of the compiled code.
            _message(
                vals, msg[0], msg[1], msg[2], msg[3], msg_t, msg[4], counts, by_type, firsts,
                pos_f, pos_i, drops, drop_t, msgs, st_ints, st_text, st_tlen, out_n,
            )  # fmt: skip
    if final:
        # Groups still open at the end, oldest first.
        while counts[C_OPEN] > 0:
            old = _oldest(gi)
            _drop(drops, drop_t, out_n, R_INCOMPLETE, gi[old, G_FIRST], D_NONE, 0, 0, math.nan)
            gi[old, G_ACTIVE] = 0
            counts[C_OPEN] -= 1


@njit
def _oldest(gi):
    old = -1
    for q in range(MAX_OPEN_GROUPS):
        if gi[q, G_ACTIVE] and (old < 0 or gi[q, G_ORDER] < gi[old, G_ORDER]):
            old = q
    return old


@njit
def _fragment(buf, i, line_no, t, fields, gi, gt, gp, vals, msg, counts, drops, drop_t, out_n):
    # NmeaDecoder._fragment: groups keyed by (talker, VDM/VDO, sequence id, channel), kept in
    # dict insertion order, at most MAX_OPEN_GROUPS. Returns the group whose message is now
    # complete (its characters in ``vals``, the rest in ``msg``), else -1.
    fcnt = fields[i, 4]
    fnum = fields[i, 5]
    g = -1
    for q in range(MAX_OPEN_GROUPS):
        if (
            gi[q, G_ACTIVE]
            and gi[q, 0] == fields[i, 0]
            and gi[q, 1] == fields[i, 1]
            and gi[q, 2] == fields[i, 2]
            and gi[q, 3] == fields[i, 3]
        ):
            g = q
            break
    if fnum == 1:
        if g >= 0:
            _drop(drops, drop_t, out_n, R_INCOMPLETE, gi[g, G_FIRST], D_NONE, 0, 0, math.nan)
        if counts[C_OPEN] >= MAX_OPEN_GROUPS:
            old = _oldest(gi)
            _drop(drops, drop_t, out_n, R_INCOMPLETE, gi[old, G_FIRST], D_NONE, 0, 0, math.nan)
            gi[old, G_ACTIVE] = 0
            counts[C_OPEN] -= 1
            if old == g:
                g = -1
        if g < 0:
            # A new key goes last in the dict order; an existing key keeps its place.
            for q in range(MAX_OPEN_GROUPS):
                if not gi[q, G_ACTIVE]:
                    g = q
                    break
            gi[g, G_ACTIVE] = 1
            gi[g, G_ORDER] = counts[C_ORDER]
            counts[C_ORDER] += 1
            counts[C_OPEN] += 1
            for c in range(4):
                gi[g, G_KEY + c] = fields[i, c]
        gi[g, G_N] = 0
        gi[g, G_FIRST] = line_no
        gi[g, G_FCNT] = fcnt
        gt[g] = t
        _keep_part(buf, i, fields, gi, gp, g)
        return -1
    if g < 0 or gi[g, G_LAST] != fnum - 1 or gi[g, G_FCNT] != fcnt:
        _drop(drops, drop_t, out_n, R_ORPHAN, line_no, D_NONE, 0, 0, math.nan)
        if g >= 0:
            gi[g, G_ACTIVE] = 0
            counts[C_OPEN] -= 1
            _drop(drops, drop_t, out_n, R_INCOMPLETE, gi[g, G_FIRST], D_NONE, 0, 0, math.nan)
        return -1
    _keep_part(buf, i, fields, gi, gp, g)
    if fnum != fcnt:
        return -1
    gi[g, G_ACTIVE] = 0
    counts[C_OPEN] -= 1
    n_chars = 0
    for p in range(gi[g, G_N]):
        n_chars += gi[g, G_LEN + p]
    for c in range(n_chars):
        vals[c] = _ARMOR[gp[g, c]]
    msg[0] = n_chars
    msg[1] = gi[g, G_LEN]
    msg[2] = gi[g, G_FILL]
    msg[3] = gi[g, G_FILL + gi[g, G_N] - 1]
    msg[4] = gi[g, G_FIRST]
    return g


@njit
def _keep_part(buf, i, fields, gi, gp, g):
    # Copies the fragment's payload characters after the group's earlier ones.
    n = gi[g, G_N]
    at = 0
    for p in range(n):
        at += gi[g, G_LEN + p]
    ps = fields[i, 8]
    pl = fields[i, 9]
    for c in range(pl):
        gp[g, at + c] = buf[ps + c]
    gi[g, G_LEN + n] = pl
    gi[g, G_FILL + n] = fields[i, 6]
    gi[g, G_N] = n + 1
    gi[g, G_LAST] = fields[i, 5]


@njit
def _skip(counts, firsts, which, line_no):
    if counts[2 + which] == 0:
        firsts[which] = line_no
    counts[2 + which] += 1


@njit
def _count_type(counts, by_type, firsts, mt):
    if by_type[mt] == 0:
        firsts[4 + mt] = counts[1]
    counts[1] += 1
    by_type[mt] += 1


@njit
def _drop(drops, drop_t, out_n, r, line_no, d, a, b, t):
    n = out_n[1]
    drops[n, 0] = r
    drops[n, 1] = line_no
    drops[n, 2] = d
    drops[n, 3] = a
    drops[n, 4] = b
    drop_t[n] = t
    out_n[1] = n + 1


@njit
def _message(
    vals,
    n_chars,
    first_len,
    first_fill,
    last_fill,
    t,
    line_no,
    counts,
    by_type,
    firsts,
    pos_f,
    pos_i,
    drops,
    drop_t,
    msgs,
    st_ints,
    st_text,
    st_tlen,
    out_n,
):
    # nmea.NmeaDecoder._message on the assembled payload (pyais assemble_from_iterable: the
    # payloads in order, the last fragment's fill bits for the bits, the first one's for the
    # message type and the bit count).
    mt = _bits_get(vals, first_len * 6 - first_fill, 0, 6)
    if not 1 <= mt <= 27:
        _drop(drops, drop_t, out_n, R_UNKNOWN_TYPE, line_no, D_TYPE, mt, 0, math.nan)
        return
    if _MIN_BITS[mt] == 0:
        _count_type(counts, by_type, firsts, mt)
        return
    n_bits = n_chars * 6 - first_fill
    if n_bits < _MIN_BITS[mt]:
        _drop(drops, drop_t, out_n, R_TRUNCATED, line_no, D_TYPE_BITS, mt, n_bits, math.nan)
        return
    length = n_chars * 6 - last_fill
    if mt == 24 and _bits_get(vals, length, 38, 2) >= 2:
        _drop(drops, drop_t, out_n, R_DECODE_ERROR, line_no, D_PARTNO, 0, 0, math.nan)
        return
    mmsi = _bits_get(vals, length, 8, 30)
    if not 0 < mmsi <= MMSI_MAX:
        _drop(drops, drop_t, out_n, R_BAD_MMSI, line_no, D_MMSI, mmsi, 0, math.nan)
        return
    _count_type(counts, by_type, firsts, mt)
    m = out_n[2]
    msgs[m, 0] = mmsi
    msgs[m, 1] = mt
    msgs[m, 2] = -1
    out_n[2] = m + 1
    if mt == 5 or mt == 24 or mt == 19:
        e = out_n[3]
        out_n[3] = e + 1
        msgs[m, 2] = e
        _static_event(vals, length, mt, mmsi, e, st_ints, st_text, st_tlen)
        if mt != 19:
            return
    if not (t != t or T_MIN_S <= t < T_MAX_S):
        _drop(drops, drop_t, out_n, R_BAD_TIME, line_no, D_TYPE_MMSI_TIME, mt, mmsi, t)
        return
    # Field offsets: types 1-3 / 18-19 / 27 (ITU-R M.1371, as pyais's decoder plans).
    if mt == 27:
        o_lon, w_lon, o_lat, w_lat = 44, 18, 62, 17
    elif mt == 18 or mt == 19:
        o_lon, w_lon, o_lat, w_lat = 57, 28, 85, 27
    else:
        o_lon, w_lon, o_lat, w_lat = 61, 28, 89, 27
    has_lon = o_lon < length
    has_lat = o_lat < length
    lon = _latlon(_bits_signed(vals, length, o_lon, w_lon), mt == 27)
    lat = _latlon(_bits_signed(vals, length, o_lat, w_lat), mt == 27)
    if not (has_lat and has_lon and -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        r = R_BAD_POSITION
        if not (has_lat and has_lon) or lat == 91.0 or lon == 181.0:
            r = R_NO_POSITION
        elif lat != lat or lon != lon:
            r = R_BAD_POSITION
        _drop(drops, drop_t, out_n, r, line_no, D_TYPE_MMSI, mt, mmsi, math.nan)
        return
    if mt == 27:
        status = _bits_get(vals, length, 40, 4)
        sog = _sog(o_ok(length, 79), float(_bits_get(vals, length, 79, 6)), 63.0)
        cog = _cog(o_ok(length, 85), float(_bits_get(vals, length, 85, 9)))
        heading = math.nan
        rot = math.nan
    elif mt == 18 or mt == 19:
        status = -1
        sog = _sog(o_ok(length, 46), _bits_get(vals, length, 46, 10) / 10.0, 102.3)
        cog = _cog(o_ok(length, 112), _bits_get(vals, length, 112, 12) / 10.0)
        heading = _heading(o_ok(length, 124), _bits_get(vals, length, 124, 9))
        rot = math.nan
    else:
        status = _bits_get(vals, length, 38, 4)
        sog = _sog(o_ok(length, 50), _bits_get(vals, length, 50, 10) / 10.0, 102.3)
        cog = _cog(o_ok(length, 116), _bits_get(vals, length, 116, 12) / 10.0)
        heading = _heading(o_ok(length, 128), _bits_get(vals, length, 128, 9))
        rot = _rot(o_ok(length, 42), _bits_signed(vals, length, 42, 8))
    n = out_n[0]
    pos_f[n, 0] = t
    pos_f[n, 1] = lat
    pos_f[n, 2] = lon
    pos_f[n, 3] = sog
    pos_f[n, 4] = cog
    pos_f[n, 5] = heading
    pos_f[n, 6] = rot
    pos_i[n, 0] = mmsi
    pos_i[n, 1] = mt
    pos_i[n, 2] = status
    out_n[0] = n + 1


# Static data fields per event kind (type 5, 19, 24 part A, 24 part B), ITU-R M.1371 offsets as
# in pyais's decoder plans: bit offset of each integer field (I_* order; -1: not in the
# message) and of each text (name, callsign, destination).
_ST_KIND = np.array([S_TYPE5, S_TYPE19, S_TYPE24A, S_TYPE24B], dtype=np.int64)
_ST_INT = np.array(
    [
        [40, 232, 240, 249, 258, 264, 294],
        [-1, 263, 271, 280, 289, 295, -1],
        [-1, -1, -1, -1, -1, -1, -1],
        [-1, 40, 132, 141, 150, 156, -1],
    ],
    dtype=np.int64,
)
_INT_WIDTH = np.array([30, 8, 9, 9, 6, 6, 8], dtype=np.int64)
_ST_TEXT = np.array([[112, 70, 302], [143, -1, -1], [40, -1, -1], [-1, 90, -1]], dtype=np.int64)
_TEXT_BITS = np.array([120, 42, 120], dtype=np.int64)
_TEXT_COL = np.array([T_NAME[0], T_CALLSIGN[0], T_DEST[0]], dtype=np.int64)


@njit
def _static_event(vals, length, mt, mmsi, e, st_ints, st_text, st_tlen):
    # The fields NmeaDecoder's _static5 / _static24 / type 19 branch read, as pyais decodes
    # them (the raw ship type straight from the bits, as nmea._raw_ship_type).
    if mt == 5:
        k = 0
    elif mt == 19:
        k = 1
    elif _bits_get(vals, length, 38, 2) == 0:
        k = 2
    else:
        k = 3
    st_ints[e, 0] = _ST_KIND[k]
    st_ints[e, 1] = mmsi
    for c in range(N_INTS):
        off = _ST_INT[k, c]
        if off < 0:
            st_ints[e, 2 + c] = -1
        elif c == I_RAW_TYPE:
            st_ints[e, 2 + c] = _bits_get(vals, length, off, 8)
        else:
            st_ints[e, 2 + c] = _int_field(vals, length, off, _INT_WIDTH[c])
    for slot in range(3):
        off = _ST_TEXT[k, slot]
        if off < 0:
            st_tlen[e, slot] = -1
        else:
            w = _TEXT_BITS[slot]
            _text(vals, length, off, w, st_text, e, _TEXT_COL[slot], w // 6, st_tlen, slot)


@njit
def o_ok(length, offset):
    return offset < length


@njit
def _latlon(iv, coarse):
    # pyais to_lat_lon / to_lat_lon_600: round(v / 600000, 6) (or / 600) in integer arithmetic.
    if coarse:
        return ((10000 * iv + 3) // 6) / 1e6
    return ((10 * iv + 3) // 6) / 1e6


@njit
def _sog(present, v, na):
    # records.sog_from_kn
    if not present:
        return math.nan
    if not (0.0 <= v < na - 1e-6) or v != v:
        return math.nan
    return v * KNOT


@njit
def _cog(present, v):
    # records.cog_from_deg
    if not present:
        return math.nan
    if not (0.0 <= v < 360.0):
        return math.nan
    return v * DEG


@njit
def _heading(present, v):
    # records.heading_from_deg
    if not present:
        return math.nan
    x = float(v)
    if not (0.0 <= x < 360.0):
        return math.nan
    return x * DEG


@njit
def _rot(present, raw):
    # pyais to_turn, then records.rot_from_deg_min: +-127 and -128 carry no value.
    if not present:
        return math.nan
    turn = float(raw)
    if turn == 0.0:
        v = 0.0
    elif abs(turn) == 127.0 or abs(turn) == 128.0:
        return math.nan
    else:
        x = turn / 4.733
        v = math.copysign(_round_half_even(x * x), turn)
    if v != v or v <= -128.0 or abs(v) >= 127.0:
        return math.nan
    return v * DEG / 60.0


# --- the whole read -----------------------------------------------------------------------------

# Bytes read per block: the per-line arrays of a block (about 120 bytes a line) stay in the tens
# of megabytes whatever the size of the file.
BLOCK_BYTES = 1 << 24


class BulkDecoder:
    """Feed bytes (any cut, lines may straddle feeds), then ``finish()``: the same result as
    feeding the lines one by one to ``nmea.NmeaDecoder(source)``."""

    def __init__(self, source: str, t_recv: float = math.nan) -> None:
        self.summary = ReadSummary(source=source, layout="nmea")
        self.t_recv = float(t_recv)
        self.ships: dict[int, ShipInfo] = {}
        self._carry = b""
        self._lines = 0
        self._codes = _Codes()
        self._texts: list[str] = []
        self._clocks = np.full(2, math.nan)
        self._gi = np.zeros((MAX_OPEN_GROUPS, G_COLS), dtype=np.int64)
        self._gt = np.zeros(MAX_OPEN_GROUPS)
        self._gp = np.zeros((MAX_OPEN_GROUPS, 9 * MAX_PAYLOAD), dtype=np.uint8)
        self._counts = np.zeros(N_COUNTS, dtype=np.int64)
        self._by_type = np.zeros(64, dtype=np.int64)
        self._firsts = np.zeros(4 + 64, dtype=np.int64)
        self._drop_first: dict[str, int] = {}
        self._drop_n: Counter = Counter()
        self._pos: list[tuple[np.ndarray, np.ndarray]] = []

    def feed(self, data: bytes) -> None:
        """Decode every complete line in ``carry + data``; keep the unfinished last one."""
        if not data:
            return
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            self._carry += data
            return
        block = self._carry + data[:cut] if self._carry else data[:cut]
        self._carry = data[cut:]
        self._block(block, final=False)

    def finish(self) -> AisData:
        """Decode the last (unterminated) line, close open groups and build the result."""
        self._block(self._carry, final=True)
        self._carry = b""
        s = self.summary
        s.lines = self._lines
        s.sentences = int(self._counts[0])
        s.messages = int(self._counts[1])
        # Counters keep NmeaDecoder's insertion order (first counted, first listed).
        bt = self._by_type
        seen = sorted((t for t in range(64) if bt[t]), key=lambda t: self._firsts[4 + t])
        s.by_type = Counter({t: int(bt[t]) for t in seen})
        names = ("blank", "comment", "other_nmea", "timestamp_line")
        used = sorted((k for k in range(4) if self._counts[2 + k]), key=lambda k: self._firsts[k])
        s.skipped = Counter({names[k]: int(self._counts[2 + k]) for k in used})
        order = sorted(self._drop_first, key=self._drop_first.__getitem__)
        s.drops = Counter({r: self._drop_n[r] for r in order})
        pf = np.concatenate([p[0] for p in self._pos]) if self._pos else np.empty((0, 7))
        pi = np.concatenate([p[1] for p in self._pos]) if self._pos else np.empty((0, 3), np.int64)
        self._pos = []
        # As PositionBuilder.build: every column through float64, then the column's dtype.
        pos = Positions(
            t=pf[:, 0].copy(),
            mmsi=pi[:, 0].astype(np.float64).astype(np.int64),
            lat_deg=pf[:, 1].copy(),
            lon_deg=pf[:, 2].copy(),
            sog=pf[:, 3].copy(),
            cog=pf[:, 4].copy(),
            heading=pf[:, 5].copy(),
            rot=pf[:, 6].copy(),
            msg_type=pi[:, 1].astype(np.int16),
            nav_status=pi[:, 2].astype(np.int16),
        )
        with_pos, n_each = np.unique(pos.mmsi, return_counts=True)
        for m, c in zip(with_pos.tolist(), n_each.tolist(), strict=True):
            ship = self.ships.get(m)
            if ship is None:
                ship = self.ships[m] = ShipInfo(mmsi=m)
            ship.n_positions = c
        check_dimensions(self.ships, s)
        return AisData(positions=pos, ships=self.ships, summary=s)

    def _block(self, data: bytes, final: bool) -> None:
        buf = np.frombuffer(data, dtype=np.uint8)
        starts, ends = split_lines(buf)
        n = starts.shape[0]
        kind = np.zeros(n, dtype=np.int8)
        reason = np.zeros(n, dtype=np.int8)
        detail = np.zeros(n, dtype=np.int64)
        tval = np.full(n, math.nan)
        trail = np.full(n, math.nan)
        fields = np.zeros((n, 10), dtype=np.int64)
        classify_lines(buf, starts, ends, kind, reason, detail, tval, trail, fields)
        for i in np.flatnonzero(kind == K_PY).tolist():
            k, r, d, tv, tr, f = classify_line_py(
                data, int(starts[i]), int(ends[i]), self._codes, self._texts
            )
            kind[i], reason[i], detail[i], tval[i], trail[i] = k, r, d, tv, tr
            fields[i] = f
        # Upper bounds of what the block can produce: a message per sentence (and per group
        # completed from earlier blocks); a static event per sentence whose payload starts as
        # type 5, 19 or 24 (a one-character first fragment with fill bits has a shorter type
        # field, as in pyais); two drops a line.
        ais = (kind == K_AIS) & (fields[:, 9] > 0)
        n_ais = int(np.count_nonzero(ais)) + MAX_OPEN_GROUPS
        first_type = _ARMOR[buf[fields[ais, 8]]].astype(np.int64)
        one = fields[ais, 9] == 1
        first_type[one] >>= fields[ais, 6][one]
        n_static = int(np.count_nonzero(np.isin(first_type, (5, 19, 24)))) + MAX_OPEN_GROUPS
        pos_f = np.empty((n_ais, 7))
        pos_i = np.empty((n_ais, 3), dtype=np.int64)
        drops = np.empty((2 * n + MAX_OPEN_GROUPS, 5), dtype=np.int64)
        drop_t = np.empty(2 * n + MAX_OPEN_GROUPS)
        msgs = np.empty((n_ais, 3), dtype=np.int64)
        st_ints = np.empty((n_static, 2 + N_INTS), dtype=np.int64)
        st_text = np.zeros((n_static, TEXT_WIDTH), dtype=np.uint8)
        st_tlen = np.empty((n_static, 3), dtype=np.int64)
        out_n = np.zeros(4, dtype=np.int64)
        run_lines(
            buf, self._lines, kind, reason, detail, tval, trail, fields, self.t_recv,
            self._clocks, self._gi, self._gt, self._gp, self._counts, self._by_type,
            self._firsts, pos_f, pos_i, drops, drop_t, msgs, st_ints, st_text, st_tlen, out_n,
            final,
        )  # fmt: skip
        n_pos, n_drops, n_msgs, n_st = (int(v) for v in out_n)
        self._drops(data, fields, drops[:n_drops], drop_t[:n_drops])
        # Ships in order of their first decoded message, class from that message's type;
        # static data applied in message order, as NmeaDecoder does.
        ms = msgs[:n_msgs]
        if n_msgs:
            _, first = np.unique(ms[:, 0], return_index=True)
            for k in np.sort(first).tolist():
                mmsi = int(ms[k, 0])
                if mmsi not in self.ships:
                    cls = "A" if int(ms[k, 1]) in CLASS_A_TYPES else "B"
                    self.ships[mmsi] = ShipInfo(mmsi=mmsi, ais_class=cls)
        for e in _static_to_apply(st_ints[:n_st], st_text[:n_st], st_tlen[:n_st]):
            _apply_static(self.ships, st_ints[e], st_text[e], st_tlen[e])
        if n_pos:
            self._pos.append((pos_f[:n_pos].copy(), pos_i[:n_pos].copy()))
        self._lines += n

    def _drops(self, data: bytes, fields: np.ndarray, dr: np.ndarray, dt: np.ndarray) -> None:
        if not dr.shape[0]:
            return
        codes, first, freq = np.unique(dr[:, 0], return_index=True, return_counts=True)
        for k in np.argsort(first, kind="stable").tolist():
            name = REASONS[int(codes[k])]
            self._drop_first.setdefault(name, len(self._drop_first))
            self._drop_n[name] += int(freq[k])
        s = self.summary
        room = ReadSummary.MAX_EXAMPLES - len(s.examples)
        for j, (r, line_no, d, a, b) in enumerate(dr[:room].tolist()):
            text = _detail_text(d, a, b, float(dt[j]), data, fields, self._texts)
            s.examples.append(f"line {line_no}: {REASONS[r]}{': ' + text if text else ''}")


def decode_nmea_bytes(data: bytes, source: str, t_recv: float = math.nan) -> AisData:
    """Read a whole NMEA log held in memory; the same result as feeding its lines, one by one,
    to ``nmea.NmeaDecoder(source)`` and calling ``finish()``."""
    dec = BulkDecoder(source, t_recv)
    for at in range(0, len(data), BLOCK_BYTES):
        dec.feed(data[at : at + BLOCK_BYTES])
    return dec.finish()


def _detail_text(code: int, a: int, b: int, t: float, data: bytes, fields, texts) -> str:
    fixed = _FIXED_DETAILS.get(code)
    if fixed is not None:
        return fixed
    if code == D_LINE6:
        s = int(fields[a, 7])
        return data[s : s + 6].decode("ascii", "replace")
    if code == D_TEXT:
        return texts[a]
    if code == D_TYPE:
        return f"type {a}"
    if code == D_TYPE_BITS:
        return f"type {a} with {b} bits"
    if code == D_MMSI:
        return f"{a}"
    if code == D_TYPE_MMSI:
        return f"type {a} mmsi {b}"
    return f"type {a} mmsi {b} time {t:.6g}"


def _text_value(row: np.ndarray, tlen: int, col: int) -> str | None:
    if tlen < 0:
        return None
    return row[col : col + tlen].tobytes().decode("ascii").rstrip("@").strip()


def _static_to_apply(ints: np.ndarray, text: np.ndarray, tlen: np.ndarray) -> list[int]:
    """Static events in order, less those that repeat the same ship's previous event exactly:
    applying an update twice in a row changes nothing, and ships send the same static data
    every few minutes."""
    n = ints.shape[0]
    if n < 2:
        return list(range(n))
    rows = np.concatenate([ints, tlen, text.astype(np.int64)], axis=1)
    order = np.lexsort((np.arange(n), ints[:, 1]))
    r = rows[order]
    dup = np.zeros(n, dtype=bool)
    dup[order[1:]] = np.all(r[1:] == r[:-1], axis=1)  # same mmsi (column 1) included
    return np.flatnonzero(~dup).tolist()


def _none(v: int) -> int | None:
    return None if v < 0 else v


def _apply_static(ships: dict[int, ShipInfo], ints: np.ndarray, text: np.ndarray, tlen) -> None:
    # NmeaDecoder._static5 / _static24 / the type 19 branch of _message, field for field.
    kind, mmsi = int(ints[0]), int(ints[1])
    f = ints[2:].tolist()
    tl = tlen.tolist()
    ship = ships[mmsi]
    if kind == S_TYPE24A:
        ship.name = clean_text(_text_value(text, tl[0], T_NAME[0])) or ship.name
        return
    raw_type = f[I_RAW_TYPE]
    dims = (_none(f[I_BOW]), _none(f[I_STERN]), _none(f[I_PORT]), _none(f[I_STBD]))
    if kind == S_TYPE24B:
        if raw_type:
            ship.ship_type = raw_type
        ship.callsign = clean_text(_text_value(text, tl[1], T_CALLSIGN[0])) or ship.callsign
        if not str(ship.mmsi).startswith("98"):
            ship.set_dimensions(*dims)
        return
    ship.name = clean_text(_text_value(text, tl[0], T_NAME[0])) or ship.name
    if kind == S_TYPE19:
        if raw_type:
            ship.ship_type = raw_type
        ship.set_dimensions(*dims)
        return
    ship.callsign = clean_text(_text_value(text, tl[1], T_CALLSIGN[0])) or ship.callsign
    if f[I_IMO] > 0:
        ship.imo = f[I_IMO]
    if raw_type:
        ship.ship_type = raw_type
    ship.set_dimensions(*dims)
    if f[I_DRAUGHT] > 0:
        ship.draught_m = float(f[I_DRAUGHT] / 10.0)
    ship.destination = clean_text(_text_value(text, tl[2], T_DEST[0])) or ship.destination
