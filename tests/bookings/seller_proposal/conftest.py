"""The seller's proposal tests: the lifecycle's pinned clock (a Wednesday morning in June, Paris)."""

from tests.bookings.lifecycle.conftest import _pinned_clock  # noqa: F401
