"""The pinned clock most test modules run under: tests pass at any hour (CI runs the suite at 23:30 too).

A module stops the clock for each of its tests with one line:

    _pinned_clock = pinned_clock(NOW)
"""

from datetime import datetime

import pytest
import time_machine


def pinned_clock(now: datetime):
    """An autouse fixture that stops the clock at `now` (aware) for every test of the module it is assigned in."""

    @pytest.fixture(autouse=True)
    def _pinned_clock():
        with time_machine.travel(now, tick=False):
            yield

    return _pinned_clock
