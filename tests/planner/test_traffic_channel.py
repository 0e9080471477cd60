"""The planner reads rule 9(d) from the chart as the referee does (metrics.navigation.rule9d_role):
in a channel 400 m wide (land east of +200 m and west of -200 m), a ship proceeding along it
stands on for a ship crossing it from starboard, and the crossing ship keeps out of the way of
one coming up the channel on its port side."""

from __future__ import annotations

import numpy as np

from autoship.planner._kernels import DUTY_GIVE_WAY, DUTY_STAND_ON
from autoship.planner._traffic import Traffic

from .helpers import make_ctx, make_obs


class Banks:
    """Stands in for ``autoship.charts.Hazards``: land beyond 200 m either side of north."""

    empty = False

    def contains(self, north, east):
        return np.abs(np.asarray(east, dtype=float)) >= 200.0


def _duty(own_first: bool, hazards) -> int:
    along, crossing = ((-300.0, 0.0, 0.0, 5.0), (0.0, 150.0, 270.0, 3.0))
    ships = (along, crossing) if own_first else (crossing, along)
    traffic = Traffic(make_ctx(hazards=hazards), "harbour", None)
    obs = make_obs(*(list(x) for x in zip(*ships, strict=True)))
    traffic.update(obs)
    assert traffic.locked[1]
    return int(traffic.duty[1])


def test_ship_along_the_channel_stands_on_for_one_crossing_from_starboard():
    assert _duty(True, Banks()) == DUTY_STAND_ON
    # Open water: rule 15, the crossing ship is on the starboard side, give way.
    assert _duty(True, None) == DUTY_GIVE_WAY


def test_ship_crossing_the_channel_keeps_out_of_the_way():
    assert _duty(False, Banks()) == DUTY_GIVE_WAY
    # Open water: the other ship is on the port side, rule 15 makes this one stand on.
    assert _duty(False, None) == DUTY_STAND_ON
