"""The dataset's tables and their versioned schema (documented in docs/dataset.md).

Bump ``SCHEMA_VERSION`` whenever a column is added, removed, renamed or changes meaning; every
Parquet file carries it in its schema metadata.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 1
FORMAT = "autoship-dataset"


def _list(t: pa.DataType) -> pa.DataType:
    # Parquet's own name for list items, so a schema read back equals the one written.
    return pa.list_(pa.field("element", t))


def _meta(table: str) -> dict[bytes, bytes]:
    return {
        b"autoship.dataset.format": FORMAT.encode(),
        b"autoship.dataset.schema_version": str(SCHEMA_VERSION).encode(),
        b"autoship.dataset.table": table.encode(),
    }


STEPS = pa.schema(
    [
        ("episode_id", pa.string()),
        ("step", pa.int32()),
        ("t_s", pa.float64()),
        # Own ship, true state at the decision (SI units, angles rad clockwise from north).
        ("own_north_m", pa.float64()),
        ("own_east_m", pa.float64()),
        ("own_heading_rad", pa.float64()),
        ("own_u_mps", pa.float64()),
        ("own_v_mps", pa.float64()),
        ("own_r_radps", pa.float64()),
        ("own_rudder_rad", pa.float64()),
        ("own_shaft", pa.float64()),
        ("own_sog_mps", pa.float64()),
        ("own_cog_rad", pa.float64()),
        # Chart: clearance to the nearest hazard for the own draught (null without a chart).
        ("own_clearance_m", pa.float64()),
        ("n_targets", pa.int16()),
        # The gym observation (autoship.gym.agent.ShipAgent.observe) the expert decided on.
        ("obs", _list(pa.float32())),
        # The expert's orders for the decision period that starts at t_s.
        ("order_course_rad", pa.float64()),
        ("order_speed_mps", pa.float64()),
        ("order_course_change_rad", pa.float64()),
    ],
    metadata=_meta("steps"),
)

PAIRS = pa.schema(
    [
        ("episode_id", pa.string()),
        ("step", pa.int32()),
        ("t_s", pa.float64()),
        ("target_id", pa.string()),
        ("range_m", pa.float64()),
        (
            "bearing_rad",
            pa.float64(),
        ),  # relative bearing of the target from own heading-over-ground
        ("aspect_rad", pa.float64()),  # relative bearing of own ship from the target's course
        ("dcpa_m", pa.float64()),
        ("tcpa_s", pa.float64()),
        ("encounter", pa.string()),  # classifier code name now (own point of view)
        ("role", pa.string()),  # own role for that code: none | both | give-way | stand-on
        ("stage", pa.int8()),  # 1..4, range stage (classify.stage_of)
        ("risk", pa.bool_()),
        # The referee's verdict on this pair's whole encounter (null: no encounter scored).
        ("ref_type", pa.string()),
        ("ref_role", pa.string()),
        ("ref_score", pa.float64()),
        # The rules the referee scores the own ship's manoeuvre for this pair under ("8,15,16"),
        # from the start of that manoeuvre to the CPA; null elsewhere.
        ("ref_rules", pa.string()),
    ],
    metadata=_meta("pairs"),
)

EPISODES = pa.schema(
    [
        ("episode_id", pa.string()),
        ("shard", pa.int32()),
        ("scenario_id", pa.string()),
        # Where the scenario came from ("sweep:ID" generated, "ais" mined, ...) and its
        # reference (e.g. the AIS file mined): the card's licence notes are built from these.
        ("source", pa.string()),
        ("source_ref", pa.string()),
        ("seed", pa.uint64()),
        ("expert", pa.string()),
        ("profile", pa.string()),
        ("own_id", pa.string()),
        ("own_model", pa.string()),
        ("target_models", _list(pa.string())),
        ("target_planners", _list(pa.string())),
        ("wind_speed_mps", pa.float64()),
        ("wind_from_rad", pa.float64()),
        ("current_n_mps", pa.float64()),
        ("current_e_mps", pa.float64()),
        ("n_steps", pa.int32()),
        ("outcome", pa.string()),  # passed | failed | collision | grounding | error
        ("passed", pa.bool_()),
        ("collision", pa.bool_()),
        ("grounding", pa.bool_()),
        ("score", pa.float64()),
        ("min_separation_m", pa.float64()),
        ("failed_gates", _list(pa.string())),
        ("encounters_json", pa.string()),
        ("params_json", pa.string()),
        ("error", pa.string()),
    ],
    metadata=_meta("episodes"),
)

# Sensor views (only when the spec asks for them): one row per step, each image the C-order
# bytes of a uint8 array whose shape is in the file's metadata (autoship.dataset.*_shape).
VIEWS = pa.schema(
    [
        ("episode_id", pa.string()),
        ("step", pa.int32()),
        ("birdseye", pa.binary()),
        ("radar", pa.binary()),
    ],
    metadata=_meta("views"),
)

# The episode's AIS as NMEA 0183 (only with [views] ais = true): one row per episode, the
# sentences autoship.ais.emit schedules for the whole run, CRLF-terminated, each with an
# IEC 61162-450 tag block carrying its UTC time (the run starts at the scenario's start_utc,
# else 2000-01-01T00:00:00Z, as `autoship ais emit`).
AIS = pa.schema(
    [("episode_id", pa.string()), ("n_messages", pa.int32()), ("nmea", pa.large_string())],
    metadata=_meta("ais"),
)

TABLES = {"steps": STEPS, "pairs": PAIRS, "episodes": EPISODES, "views": VIEWS, "ais": AIS}
