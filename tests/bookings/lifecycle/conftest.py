"""The lifecycle tests' fixtures: the clock pinned before any other fixture, a pending and a confirmed booking."""

import pytest
import time_machine

from bookings.services import booking_accept
from tests.factories import SELLER_NAMES

from .helpers import NOW, book


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pending(buyer, paris_11, officer, charter, seller):
    return book(buyer, paris_11, seller)


@pytest.fixture
def confirmed(pending, charter):
    return booking_accept(**SELLER_NAMES, booking=pending, charter_version=charter)
