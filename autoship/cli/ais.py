"""``autoship ais``: AIS files in (info, extract) and simulated traffic out as NMEA (emit).

autoship ais info FILE [--json]
autoship ais emit RUN_DIR (--nmea FILE | --udp HOST:PORT) [--realtime] [--start-utc ISO]
autoship ais extract FILE --out DIR [--chart CHART] [--max-cpa-nm X] [--min-speed-kn Y]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from autoship.errors import AisError, AutoshipError

# Default clock for emitted files when neither --start-utc nor the run says otherwise: fixed so
# the same run gives the same file.
DEFAULT_START_UTC = "2000-01-01T00:00:00Z"


def add_parser(sub) -> None:
    p = sub.add_parser(
        "ais",
        help="AIS in and out: summarise recordings, mine encounters, emit NMEA",
        description="Read recorded AIS (NMEA, also .gz, or CSV exports), mine encounters into "
        "scenarios, and write simulated traffic as standard NMEA 0183 AIS.",
    )
    ais_sub = p.add_subparsers(dest="ais_command", metavar="ACTION")

    info = ais_sub.add_parser(
        "info",
        help="summarise an AIS file",
        description="Messages by type, ships, time span, area and every dropped line or "
        "message by reason.",
    )
    info.add_argument(
        "file",
        metavar="FILE",
        help="AIS file (NMEA, .gz, CSV), or a live feed udp://HOST:PORT (listen) or "
        "tcp://HOST:PORT (connect)",
    )
    info.add_argument("--json", action="store_true", help="print the summary as JSON")
    _add_column_map(info)
    info.add_argument(
        "--duration",
        type=float,
        default=10.0,
        metavar="S",
        help="live feeds: listen this long (default 10 s)",
    )
    info.set_defaults(func=run_info)

    emit = ais_sub.add_parser(
        "emit",
        help="write a run as NMEA AIS (file or UDP)",
        description="Own ship as !AIVDO, others as !AIVDM; class A types 1 and 5, class B "
        "types 18 and 24; reporting intervals of ITU-R M.1371. Ships without an MMSI get "
        "999xxxxxx derived from the scenario and ship ids.",
    )
    emit.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    dest = emit.add_mutually_exclusive_group(required=True)
    dest.add_argument("--nmea", type=Path, metavar="FILE", help="write NMEA lines to FILE")
    dest.add_argument("--udp", metavar="HOST:PORT", help="send NMEA datagrams to HOST:PORT")
    emit.add_argument("--realtime", action="store_true", help="pace the output in wall-clock time")
    emit.add_argument(
        "--burst",
        action="store_true",
        help="with --udp: send as fast as the socket takes them (default: at most 500 "
        "datagrams/s, since a receiver's default buffer drops a burst)",
    )
    emit.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="with --realtime: time-lapse, run seconds per second of wall clock (default 1)",
    )
    emit.add_argument(
        "--start-utc",
        metavar="ISO",
        help="UTC time of the run's t=0 (default: now with --realtime, else the run's "
        f"start_utc or {DEFAULT_START_UTC})",
    )
    emit.add_argument(
        "--no-tag-blocks",
        action="store_true",
        help="file output without the IEC 61162-450 \\c:time\\ tag blocks",
    )
    emit.add_argument("--force", action="store_true", help="overwrite an existing --nmea file")
    emit.set_defaults(func=run_emit)

    ext = ais_sub.add_parser(
        "extract",
        help="mine close-quarters encounters into scenario files",
        description="Find pairs of ships that came close, classify them (COLREG), rank by "
        "DCPA/TCPA and write one scenario per encounter with the chosen ship as own ship "
        "and the others replayed from their recorded tracks.",
    )
    ext.add_argument("file", type=Path, metavar="FILE", help="AIS file with timestamps")
    ext.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    ext.add_argument(
        "--chart",
        type=Path,
        metavar="CHART",
        help="chart for the scenarios; ships recorded on its hazards are left out",
    )
    ext.add_argument(
        "--max-cpa-nm",
        type=float,
        default=0.5,
        metavar="X",
        help="recorded closest approach at most X nm (default 0.5)",
    )
    ext.add_argument(
        "--min-speed-kn",
        type=float,
        default=3.0,
        metavar="Y",
        help="both ships at least Y kn at the closest approach (default 3)",
    )
    ext.add_argument(
        "--limit", type=int, default=20, help="at most this many scenarios (default 20)"
    )
    ext.add_argument("--planner", default="sbmpc", help="planner of the own ship (default sbmpc)")
    ext.add_argument(
        "--own-mmsi",
        type=int,
        metavar="MMSI",
        help="only this ship's encounters, with it as the own ship (default: the give-way ship)",
    )
    ext.add_argument(
        "--min-start-sep-m",
        type=float,
        default=None,
        metavar="M",
        help="leave out encounters where another ship is within M metres of the own ship in "
        "the first minute (default 100)",
    )
    ext.add_argument("--force", action="store_true", help="write into a non-empty DIR")
    ext.add_argument("--json", action="store_true", help="print the encounter list as JSON")
    _add_column_map(ext)
    ext.set_defaults(func=run_extract)

    p.set_defaults(func=_no_action(p))


def _no_action(p: argparse.ArgumentParser):
    def run(args: argparse.Namespace) -> int:
        p.print_help(sys.stderr)
        return 2

    return run


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _add_column_map(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--columns",
        metavar="MAP",
        help="read any CSV table: KEY=COLUMN,... with at least time, mmsi, lat and lon (also "
        "sog in kn, cog and heading in deg, status, ship_type, length, beam, draught, name, imo, "
        "callsign, rot)",
    )
    p.add_argument(
        "--time-format",
        choices=("iso", "dmy"),
        default="iso",
        help="with --columns: ISO 8601 times, or dd/mm/yyyy HH:MM:SS",
    )


def _column_map(args: argparse.Namespace) -> dict[str, str] | None:
    from autoship.ais.tables import parse_column_map

    return parse_column_map(args.columns) if getattr(args, "columns", None) else None


def _read_source(text: str, duration_s: float, columns: dict[str, str] | None = None,
                 time_format: str = "iso"):  # fmt: skip
    from autoship.ais.emit import parse_host_port
    from autoship.ais.live import UdpFeed, read_tcp
    from autoship.ais.source import read_ais

    if text.startswith(("udp://", "tcp://")):
        if not (duration_s > 0 and duration_s < 86400):
            raise AisError(f"{duration_s} s must be in (0, 86400)", field="--duration")
        host, port = parse_host_port(text[6:])
        if text.startswith("udp://"):
            with UdpFeed(host, port) as feed:
                return feed.read(duration_s=duration_s)
        return read_tcp(host, port, duration_s=duration_s)
    return read_ais(Path(text), columns, time_format)


def run_info(args: argparse.Namespace) -> int:
    data = _read_source(str(args.file), args.duration, _column_map(args), args.time_format)
    doc = data.to_dict()
    if args.json:
        sys.stdout.write(json.dumps(doc, indent=1) + "\n")
        return 0
    out = [
        f"{doc['source']}: {doc['layout']}, {doc['lines']} lines, {doc['messages']} messages, "
        f"{doc['position_reports']} position reports",
        f"ships: {doc['ships']} ({doc['ships_with_position']} with a position, "
        f"{doc['ships_with_dimensions']} with dimensions"
        + "".join(f"; class {k}: {v}" for k, v in doc["ships_by_class"].items())
        + ")",
    ]
    if doc["messages_by_type"]:
        out.append(
            "messages by type: "
            + ", ".join(f"{k}: {v}" for k, v in doc["messages_by_type"].items())
        )
    span = data.time_span()
    if span is None:
        out.append("time span: none (no timestamps: a snapshot, not a track)")
    else:
        dur = span[1] - span[0]
        out.append(f"time span: {_iso(span[0])} to {_iso(span[1])} ({dur / 60.0:.1f} min)")
    a = doc["area"]
    if a:
        out.append(
            f"area: lat {a['lat_min_deg']:.4f} to {a['lat_max_deg']:.4f}, "
            f"lon {a['lon_min_deg']:.4f} to {a['lon_max_deg']:.4f}"
        )
        c = a["core_1_99_pct"]
        out.append(
            f"area 1-99 %: lat {c['lat_min_deg']:.4f} to {c['lat_max_deg']:.4f}, "
            f"lon {c['lon_min_deg']:.4f} to {c['lon_max_deg']:.4f}"
        )
    drops = ", ".join(f"{k} {v}" for k, v in doc["drops"].items()) or "none"
    out.append(f"dropped: {doc['dropped']} ({drops})")
    if doc["skipped"]:
        out.append("skipped: " + ", ".join(f"{k} {v}" for k, v in doc["skipped"].items()))
    if doc["ignored"]:
        out.append("ignored: " + ", ".join(f"{k} {v}" for k, v in doc["ignored"].items()))
    for ex in doc["examples"][:5]:
        out.append(f"  {ex}")
    print("\n".join(out))
    return 0


def _parse_utc(text: str) -> float:
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as err:
        raise AisError(f"{text!r} is not an ISO 8601 time", field="--start-utc") from err
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def run_emit(args: argparse.Namespace) -> int:
    from autoship.ais.emit import (
        UdpSender,
        emit_reports,
        format_lines,
        parse_host_port,
        reports_from_run,
    )
    from autoship.record import load_run

    if args.speed <= 0:
        raise AutoshipError("must be positive", field="--speed")
    run = load_run(args.run_dir)
    if args.start_utc:
        start = _parse_utc(args.start_utc)
    elif args.realtime:
        start = time.time()
    else:
        start = _parse_utc(str(run.meta.get("start_utc") or DEFAULT_START_UTC))
    rep = reports_from_run(run.meta, run.arrays)
    msgs = emit_reports(
        rep.t_s,
        rep.lat_deg,
        rep.lon_deg,
        rep.sog_kn,
        rep.cog_deg,
        rep.heading_deg,
        rep.rot_deg_min,
        rep.ships,
        start_utc_s=start,
    )
    tags = not args.no_tag_blocks and args.udp is None
    if args.nmea is not None:
        if args.nmea.exists() and not args.force:
            raise AutoshipError("exists (use --force to overwrite)", file=str(args.nmea))
        if not args.nmea.parent.is_dir():
            raise AutoshipError("output folder does not exist", file=str(args.nmea))
        with open(args.nmea, "w", encoding="ascii", newline="") as fh:

            def write(m) -> None:
                fh.write("".join(x + "\r\n" for x in format_lines([m], tag_blocks=tags)))
                if args.realtime:  # a reader tailing the file sees each message when due
                    fh.flush()

            _pace(msgs, args, write)
    else:
        host, port = parse_host_port(args.udp)
        with UdpSender(host, port, pace_hz=None) if args.burst else UdpSender(host, port) as tx:
            _pace(msgs, args, lambda m: tx.send(format_lines([m], tag_blocks=tags)))
    n_lines = sum(len(m.lines) for m in msgs)
    where = str(args.nmea) if args.nmea is not None else f"udp://{args.udp}"
    print(f"{len(msgs)} AIS messages ({n_lines} sentences) for {len(rep.ships)} ships to {where}")
    return 0


def _pace(msgs, args, send) -> None:
    t0 = time.monotonic()
    for m in msgs:
        if args.realtime:
            delay = m.t_s / args.speed - (time.monotonic() - t0)
            if delay > 0:
                time.sleep(delay)
        send(m)


def run_extract(args: argparse.Namespace) -> int:
    from autoship.ais.mining import extract_to_dir

    result = extract_to_dir(
        args.file,
        args.out,
        chart=args.chart,
        max_cpa_nm=args.max_cpa_nm,
        min_speed_kn=args.min_speed_kn,
        limit=args.limit,
        planner=args.planner,
        force=args.force,
        own_mmsi=args.own_mmsi,
        columns=_column_map(args),
        time_format=args.time_format,
        **(
            {} if args.min_start_sep_m is None else {"min_start_separation_m": args.min_start_sep_m}
        ),
    )
    if args.json:
        sys.stdout.write(json.dumps(result, indent=1) + "\n")
        return 0
    for e in result["encounters"]:
        print(
            f"{e['scenario']}: {e['type']:<10} own {e['own_mmsi']} vs {e['target_mmsi']} "
            f"DCPA {e['dcpa_nm']:.2f} nm TCPA {e['tcpa_min']:.1f} min "
            f"min range {e['min_range_nm']:.2f} nm"
        )
    print(f"{len(result['encounters'])} scenario(s) written to {args.out}")
    return 0
