"""AIS in and out: NMEA/CSV readers, track cleaning, encounter mining, NMEA emission."""

from autoship.ais.nmea import NmeaDecoder, read_nmea
from autoship.ais.records import AisData, Positions, ReadSummary, ShipInfo

__all__ = ["AisData", "NmeaDecoder", "Positions", "ReadSummary", "ShipInfo", "read_nmea"]
