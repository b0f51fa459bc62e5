"""The slot picker the wizard and the reschedule page share: the next free slots first, then one day's slots.

Moving between days is a plain link (`?day=`), so the picker works without JavaScript;
with htmx (static/vendor/htmx.org-*, django-htmx) the link swaps only the picker, and
the view answers such a request (request.htmx) with the picker alone (`partial`).
Slots that cannot leave the seller a fair window to answer are marked
(bookings.slots.seller_window): bookable, but the buyer is told before picking.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import groupby

from django.conf import settings
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import get_language

from config.user_input import parse_day

from ..forms import SlotForm
from ..selectors import Slot, station_booking_days, station_free_slots, station_seller_window
from ._util import posted

NEXT_SLOTS = 4


@lru_cache(maxsize=1024)
def day_label(day, language) -> str:
    """ "Mon 3 Jun" in the active language, which `language` names (the cache key): 15 buttons a page."""
    return date_format(day, "D j M")


@dataclass
class SlotPicker:
    form: SlotForm
    days: list[tuple[date, int, str]]
    chosen_day: date | None
    next_slots: list[Slot]
    day_slots: list[Slot]
    # Slot keys whose hold deadline leaves the seller less than the fair window.
    short_notice: set[str] = field(default_factory=set)

    @property
    def chosen_slot(self):
        return self.form["slot"].value()

    def context(self) -> dict:
        return {
            "form": self.form,
            "days": self.days,
            "chosen_day": self.chosen_day,
            "chosen_slot": self.chosen_slot,
            "next_slots": self.next_slots,
            "day_slots": self.day_slots,
            "short_notice": self.short_notice,
            "seller_min_hours": settings.BOOKINGS_SELLER_WINDOW_MIN_HOURS,
        }


def slot_picker(request, *, station, kind, buyer, initial=None, ignore_pressure=False, exclude=None) -> SlotPicker:
    """The free slots of one kind at a station over its horizon, read once; `exclude`: a start not to offer."""
    days = station_booking_days(station)
    slots = [
        slot
        for slot in station_free_slots(
            station=station,
            kind=kind,
            first_day=days[0],
            last_day=days[-1],
            ignore_pressure=ignore_pressure,
            buyer=buyer,  # a slot this buyer just cancelled is theirs to take back (no hold-back)
            cached=True,  # a page, not a decision: the booking checks its slot under the lock
        )
        if slot.starts_at != exclude
    ]
    by_day = {day: list(group) for day, group in groupby(slots, key=lambda s: s.local_starts_at.date())}
    chosen_day = parse_day(request.GET.get("day") or request.POST.get("day"))
    if chosen_day not in by_day:
        chosen_day = next(iter(by_day), None)
    day_slots = by_day.get(chosen_day, [])
    next_slots = slots[:NEXT_SLOTS]
    offered = {slot.key: slot for slot in [*next_slots, *day_slots]}
    form = SlotForm(posted(request), slots=list(offered.values()), station=station, initial={"slot": initial})
    now = timezone.now()
    short = {
        key
        for key, slot in offered.items()
        if not station_seller_window(station=station, starts_at=slot.starts_at, now=now).fair
    }
    language = get_language()
    return SlotPicker(
        form=form,
        days=[(day, len(by_day.get(day, [])), day_label(day, language)) for day in days],
        chosen_day=chosen_day,
        next_slots=next_slots,
        day_slots=day_slots,
        short_notice=short,
    )


def partial_requested(request) -> bool:
    """An htmx request for the picker alone; a history restore needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def varies_on_htmx(response):
    # The same URL answers the whole page or the picker alone: caches must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response
