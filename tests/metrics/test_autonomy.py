"""Which ships are systems under test: the own ship and avoiding planners, not traffic."""

import pytest

from autoship.metrics import is_autonomous


@pytest.mark.parametrize(
    "ship,expected",
    [
        ({"role": "own", "planner": "keep-course"}, True),
        ({"role": "target", "planner": "sbmpc"}, True),
        ({"role": "target", "planner": "sbmpc", "ignores_duty": True}, False),
        ({"role": "target", "planner": "keep-course"}, False),
        ({"role": "target", "planner": "sbmpc", "replayed": True}, False),
    ],
)
def test_systems_under_test(ship, expected):
    assert is_autonomous(ship) is expected
