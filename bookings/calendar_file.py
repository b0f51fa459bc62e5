"""The booking's calendar file (.ics): one builder for the emails and the download links of both parties.

What makes a calendar app keep one entry per booking and follow its changes:
- the UID is the booking's own (its reference), whoever downloads or receives it;
- SEQUENCE grows with the booking's history (one BookingEvent per transition), so a
  later file wins over an earlier one (RFC 5545 §3.8.7.4);
- a booking cancelled once it was in people's calendars gets a METHOD:CANCEL file with
  the same UID, STATUS:CANCELLED and a higher SEQUENCE, which removes the entry.
Times are written in the station's time zone (TZID and its VTIMEZONE), not in UTC: a
Kennewick buyer reading the file in Paris still sees the station's 9:00. Two alarms
(a day and two hours before) travel with the event.
"""

from datetime import date, datetime, timedelta
from email.utils import parseaddr

import icalendar
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from .mailtext import defang
from .models import Booking, BookingStatus

PRODID = "-//Safe Exchange//safe-exchange//EN"
ALARMS_BEFORE = (timedelta(days=1), timedelta(hours=2))
# Statuses whose booking is in the parties' calendars as an exchange still to attend.
SCHEDULED = (BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)


def calendar_uid(booking: Booking) -> str:
    return f"{booking.reference}@safe-exchange"


def calendar_filename(booking: Booking) -> str:
    return f"{booking.reference}.ics"


def was_in_calendars(booking: Booking) -> bool:
    """The parties were given the calendar file: the seller accepted (booking_accept records their charter)."""
    return booking.seller_charter_version_id is not None


def calendar_kind(booking: Booking) -> str | None:
    """ "event" while the exchange is to happen, "cancel" once a booking that was confirmed is cancelled, else None."""
    if booking.status in SCHEDULED:
        return "event"
    if booking.status == BookingStatus.CANCELLED and was_in_calendars(booking):
        return "cancel"
    return None


def booking_calendar(
    booking: Booking,
    *,
    language: str,
    attendee: str = "",
    cancel: bool = False,
    sequence: int | None = None,
    now: datetime | None = None,
) -> bytes:
    """The .ics of `booking` (station, space, station) for `attendee`, written in `language`.

    `cancel`: the cancelling variant. `sequence`: the booking's revision, by default the
    number of its events (one query); pass it when the events are at hand.
    """
    if sequence is None:
        sequence = booking.events.count()
    with translation.override(language):
        calendar = icalendar.Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("method", "CANCEL" if cancel else "PUBLISH")
        calendar.add_component(_event(booking, attendee=attendee, cancel=cancel, sequence=sequence, now=now))
    starts = booking.local_starts_at.date()
    # The station's rules around the exchange only: a compact VTIMEZONE that still spans a DST change.
    calendar.add_missing_timezones(first_date=date(starts.year - 1, 1, 1), last_date=date(starts.year + 2, 1, 1))
    return calendar.to_ical()


def _event(booking: Booking, *, attendee: str, cancel: bool, sequence: int, now: datetime | None):
    station = booking.station
    event = icalendar.Event()
    event.add("uid", calendar_uid(booking))
    event.add("sequence", sequence)
    event.add("dtstamp", now or timezone.now())
    event.add("dtstart", booking.local_starts_at)
    event.add("dtend", booking.local_ends_at)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    # Calendar apps link URLs in an event's text like mail clients do (bookings.mailtext).
    event.add("summary", _summary(booking, cancel=cancel))
    event.add("location", f"{station.display_name}, {' '.join(station.address.split())}")
    if station.latitude is not None and station.longitude is not None:
        event.add("geo", (float(station.latitude), float(station.longitude)))
    event.add("description", _description(booking))
    # RFC 5546 wants an organiser for PUBLISH and CANCEL: the service, which no one answers.
    organizer = icalendar.vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["cn"] = "Safe Exchange"
    event.add("organizer", organizer)
    if attendee:
        person = icalendar.vCalAddress(f"mailto:{attendee}")
        person.params["role"] = "REQ-PARTICIPANT"
        person.params["partstat"] = "DECLINED" if cancel else "ACCEPTED"
        person.params["rsvp"] = "FALSE"
        event.add("attendee", person)
    if not cancel:
        for before in ALARMS_BEFORE:
            event.add_component(_alarm(booking, before))
    return event


def _summary(booking: Booking, *, cancel: bool) -> str:
    values = {"reference": booking.reference, "item": defang(booking.item_title)}
    if cancel:
        return gettext("Cancelled: exchange %(reference)s (%(item)s)") % values
    return gettext("Safe Exchange %(reference)s: %(item)s") % values


def _description(booking: Booking) -> str:
    lines = [
        gettext("%(space)s, reference %(reference)s.")
        % {"space": booking.space.display_name, "reference": booking.reference},
        gettext("Bring an identity document and the item, and give the reference at the front desk."),
        gettext("Forbidden items (weapons, blades, bulky goods…) are refused at the station."),
    ]
    return "\n".join(lines)


def _alarm(booking: Booking, before: timedelta):
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -before)
    alarm.add("description", gettext("Exchange %(reference)s") % {"reference": booking.reference})
    return alarm


def booking_calendar_attachment(booking: Booking, *, language: str, attendee: str = "", cancel: bool = False):
    """The (filename, content, mimetype) an email attaches."""
    # The METHOD is inside the file; Django's attach() takes a bare mimetype for text/*.
    content = booking_calendar(booking, language=language, attendee=attendee, cancel=cancel)
    return (calendar_filename(booking), content, "text/calendar")
