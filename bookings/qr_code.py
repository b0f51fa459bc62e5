"""The booking's QR code, which the check-in desk scans: it holds the reference and nothing personal.

One symbol for the email attachment (PNG) and the booking pages (SVG, served by a view
of its own). A 4-module quiet zone, as ISO/IEC 18004 asks, and modules large enough
for a desk scanner reading a phone screen: the PNG is 290 px wide.
"""

import io

import segno

from .models import Booking

QUIET_ZONE = 4
PNG_SCALE = 10  # 21 modules + the quiet zone, at 10 px: 290 px


def _symbol(booking: Booking):
    return segno.make(booking.reference, error="m", micro=False)


def booking_qr_png(booking: Booking) -> bytes:
    buffer = io.BytesIO()
    _symbol(booking).save(buffer, kind="png", scale=PNG_SCALE, border=QUIET_ZONE)
    return buffer.getvalue()


def booking_qr_svg(booking: Booking) -> bytes:
    """A standalone SVG that scales to whatever size the page gives it (no fixed width, a viewBox)."""
    buffer = io.BytesIO()
    _symbol(booking).save(
        buffer,
        kind="svg",
        scale=1,
        border=QUIET_ZONE,
        omitsize=True,
        title=booking.reference,
        dark="#000",
        light="#fff",
    )
    return buffer.getvalue()
