"""The reschedule tests' fixtures: the lifecycle's pinned clock and bookings."""

from tests.bookings.lifecycle.conftest import _pinned_clock, confirmed, pending  # noqa: F401
