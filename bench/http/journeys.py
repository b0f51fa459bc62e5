"""The product's requests as a logged-in buyer's browser sends them, and what their answers mean."""

import re

from django.utils.crypto import get_random_string

from .client import Request, Response
from .dataset import Ticket

# The CSRF cookie's secret, posted back unmasked in the form (Django accepts either form).
CSRF_SECRET = get_random_string(32)

SLOT_CHOICE = re.compile(rb'name="slot" value="(\d{8}T\d{6}Z)"')
CHOSEN_DAY = re.compile(rb'name="day" value="(\d{4}-\d{2}-\d{2})"')
BOOKING_DETAIL = re.compile(r"^/bookings/SX-[0-9A-Z]{5}/$")


def cookies(ticket: Ticket) -> dict:
    return {"sessionid": ticket.session_key, "csrftoken": CSRF_SECRET}


_charter_seen: dict[str, int] = {}


def charter_version_remember() -> None:
    """Read the version the review page shows, before the load starts (the ORM cannot run in the event loop)."""
    from charter.selectors import charter_current  # here: the runner sets Django up after importing this module

    _charter_seen["id"] = charter_current().pk


def review_post(ticket: Ticket) -> Request:
    """The wizard's last step: accept the charter the page showed and book the draft's slot."""
    form = {"csrfmiddlewaretoken": CSRF_SECRET, "accept_charter": "on", "charter_version": _charter_seen["id"]}
    return Request("POST", f"/bookings/new/{ticket.slug}/review/", cookies(ticket), form)


def review_get(ticket: Ticket) -> Request:
    return Request("GET", f"/bookings/new/{ticket.slug}/review/", cookies(ticket))


def slot_get(ticket: Ticket) -> Request:
    return Request("GET", f"/bookings/new/{ticket.slug}/slot/", cookies(ticket))


def slot_post(ticket: Ticket, *, day: str, slot: str) -> Request:
    form = {"csrfmiddlewaretoken": CSRF_SECRET, "day": day, "slot": slot}
    return Request("POST", f"/bookings/new/{ticket.slug}/slot/", cookies(ticket), form)


def booking_outcome(response: Response) -> str:
    """booked (302 to the booking's page), taken (back to the slot step), 5xx, or what else happened."""
    if response.status >= 500:
        return "5xx"
    if response.status == 302:
        if BOOKING_DETAIL.match(response.location):
            return "booked"
        if response.location.endswith("/slot/"):
            return "taken"
        return f"302 to {response.location}"
    return f"HTTP {response.status}"


def slot_choices(page: bytes) -> tuple[str | None, list[str]]:
    """The day shown and its free slot keys, in the page's order."""
    day = CHOSEN_DAY.search(page)
    return (day.group(1).decode() if day else None), [key.decode() for key in SLOT_CHOICE.findall(page)]
