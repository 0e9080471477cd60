"""AIS in and out: NMEA/CSV readers, track cleaning, encounter mining, NMEA emission.

data = read_ais("traffic.nmea.gz")          # or a CSV export; drops counted by reason
tracks = build_tracks(data)                 # cleaned, in a local frame
states = resample(tracks.tracks, ticks(t0, t1, 1.0))
msgs = emit_reports(t, lat, lon, sog_kn, cog_deg, heading_deg, rot, ships, start_utc_s=...)
"""

from autoship.ais.emit import (
    AisLiveOut,
    AisScheduler,
    EmittedMessage,
    ShipIdentity,
    UdpSender,
    derived_mmsi,
    emit_reports,
    format_lines,
    report_interval_s,
    reports_from_run,
)
from autoship.ais.live import UdpFeed, read_tcp
from autoship.ais.mining import Encounter, extract_to_dir, find_encounters
from autoship.ais.nmea import NmeaDecoder, read_nmea
from autoship.ais.records import AisData, Positions, ReadSummary, ShipInfo
from autoship.ais.source import read_ais
from autoship.ais.tables import read_csv
from autoship.ais.tracks import Resampled, Track, TrackSet, build_tracks, resample, ticks

__all__ = [
    "AisData",
    "AisLiveOut",
    "AisScheduler",
    "EmittedMessage",
    "Encounter",
    "NmeaDecoder",
    "Positions",
    "ReadSummary",
    "Resampled",
    "ShipIdentity",
    "ShipInfo",
    "Track",
    "TrackSet",
    "UdpFeed",
    "UdpSender",
    "build_tracks",
    "derived_mmsi",
    "emit_reports",
    "extract_to_dir",
    "find_encounters",
    "format_lines",
    "read_ais",
    "read_csv",
    "read_nmea",
    "read_tcp",
    "report_interval_s",
    "reports_from_run",
    "resample",
    "ticks",
]
