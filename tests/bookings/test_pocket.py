"""The booking in your pocket: QR code, calendar file, directions and what to bring, for the buyer and the seller."""

import re
import struct
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import icalendar
import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings.calendar_file import booking_calendar
from bookings.links import seller_cancel_token, seller_token
from bookings.models import Actor, BookingStatus
from bookings.qr_code import booking_qr_png, booking_qr_svg
from bookings.selectors import station_free_slots
from bookings.services import booking_accept, booking_cancel, booking_create
from stations.models import SpaceKind
from tests import factories
from tests.matrix_targets import graft

pytestmark = pytest.mark.django_db

# Wednesday 10:00 in Paris, far from midnight and from a daylight saving change.
NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def located_paris_11(paris_11):
    paris_11.latitude, paris_11.longitude = Decimal("48.858844"), Decimal("2.379910")
    paris_11.save(update_fields=["latitude", "longitude"])
    return paris_11


def _book(buyer, station, *, kind="room", seller_email="seller@example.net"):
    today = timezone.localdate(timezone.now(), station.zone)
    slot = station_free_slots(station=station, kind=kind, first_day=today, last_day=today + timedelta(days=3))[0]
    return booking_create(
        buyer=buyer,
        station=station,
        starts_at=slot.starts_at,
        item_title="Vélo de course",
        seller_email=seller_email,
        seller_name="Camille Vendeur",
        language="en",
    )


@pytest.fixture
def confirmed(located_paris_11, officer, buyer, charter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = _book(buyer, located_paris_11)
        booking_accept(**factories.SELLER_NAMES, booking=booking, charter_version=charter)
    booking.refresh_from_db()
    return booking


@pytest.fixture
def kennewick(db):
    station = factories.StationFactory(
        slug="kennewick",
        name="Kennewick Police Department",
        time_zone="America/Los_Angeles",
        address="211 W 6th Ave, Kennewick, WA 99336",
        language="en",
    )
    factories.SpaceFactory(station=station, kind=SpaceKind.BAY, name="Bay 1")
    return station


def _event(ics: bytes):
    calendar = icalendar.Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def _ics_of(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/calendar")
    return response.content


def _calendar_attachments(message):
    return [content for name, content, mimetype in message.attachments if mimetype == "text/calendar"]


# --- the calendar file ----------------------------------------------------------------------------


def test_the_calendar_file_is_in_the_stations_time_zone_with_two_alarms(confirmed):
    calendar, event = _event(booking_calendar(confirmed, language="en"))

    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert event["dtend"].params["TZID"] == "Europe/Paris"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert event.decoded("dtstart") == confirmed.starts_at
    assert event.decoded("dtstart").utcoffset() == timedelta(hours=2)  # summer time in Paris
    assert b"DTSTART;TZID=Europe/Paris:" in booking_calendar(confirmed, language="en")
    assert sorted(alarm.decoded("trigger") for alarm in event.walk("VALARM")) == [
        -timedelta(days=1),
        -timedelta(hours=2),
    ]
    assert all(str(alarm["action"]) == "DISPLAY" for alarm in event.walk("VALARM"))
    assert str(calendar["method"]) == "PUBLISH"
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["uid"]) == f"{confirmed.reference}@safe-exchange"
    assert "Commissariat du 11e arrondissement" in str(event["location"])
    assert (event["geo"].latitude, event["geo"].longitude) == (48.858844, 2.37991)
    assert "identity document" in str(event["description"])


def test_a_kennewick_booking_is_written_in_pacific_time(kennewick, charter):
    starts_at = datetime.combine(NOW.date() + timedelta(days=2), time(9, 0), kennewick.zone)
    booking = factories.BookingFactory(
        station=kennewick,
        space=kennewick.spaces.get(),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        status=BookingStatus.CONFIRMED,
        buyer_charter_version=charter,
        seller_charter_version=charter,
    )

    calendar, event = _event(booking_calendar(booking, language="en"))

    assert event["dtstart"].params["TZID"] == "America/Los_Angeles"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Los_Angeles"]
    assert event.decoded("dtstart").hour == 9  # the station's wall clock, not UTC
    assert event.decoded("dtstart") == starts_at
    assert b"DTSTART;TZID=America/Los_Angeles:" in booking_calendar(booking, language="en")


def test_cancelling_a_confirmed_booking_turns_its_download_into_a_cancelling_file(
    client, confirmed, buyer, django_capture_on_commit_callbacks
):
    client.force_login(buyer)
    url = reverse("bookings:calendar", kwargs={"reference": confirmed.reference})
    calendar_before, before = _event(_ics_of(client.get(url)))

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=confirmed, role=Actor.BUYER, user=buyer, reason="Plus disponible")
    calendar_after, after = _event(_ics_of(client.get(url)))

    assert str(calendar_before["method"]) == "PUBLISH"
    assert str(calendar_after["method"]) == "CANCEL"
    assert str(after["status"]) == "CANCELLED"
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) > int(before["sequence"])
    assert not after.walk("VALARM")  # nothing to be reminded of


def test_a_booking_never_confirmed_has_no_calendar_file(client, located_paris_11, officer, buyer, charter):
    booking = _book(buyer, located_paris_11)
    client.force_login(buyer)

    response = client.get(reverse("bookings:calendar", kwargs={"reference": booking.reference}))

    assert response.status_code == 404


# --- the emails -----------------------------------------------------------------------------------


def test_the_confirmation_carries_the_calendar_file_and_a_qr_code_large_enough_to_scan(confirmed):
    (to_buyer,) = [m for m in mail.outbox if m.to == ["buyer@example.org"] and "Confirmed" in m.subject]

    (ics,) = _calendar_attachments(to_buyer)
    _calendar, event = _event(ics.encode() if isinstance(ics, str) else ics)
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert len(event.walk("VALARM")) == 2
    (png,) = [content for name, content, mimetype in to_buyer.attachments if mimetype == "image/png"]
    width, height = struct.unpack(">II", png[16:24])
    assert width == height >= 240


def test_the_cancellation_email_of_a_confirmed_booking_carries_the_cancelling_file(
    confirmed, buyer, django_capture_on_commit_callbacks
):
    (confirmation,) = [m for m in mail.outbox if m.to == ["seller@example.net"] and "Confirmed" in m.subject]
    _calendar, sent = _event(_as_bytes(_calendar_attachments(confirmation)[0]))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=confirmed, role=Actor.BUYER, user=buyer, reason="Plus disponible")

    for recipient in ("buyer@example.org", "seller@example.net"):
        (message,) = [m for m in mail.outbox if m.to == [recipient]]
        (ics,) = _calendar_attachments(message)
        calendar, event = _event(_as_bytes(ics))
        assert str(calendar["method"]) == "CANCEL"
        assert str(event["status"]) == "CANCELLED"
        assert str(event["uid"]) == str(sent["uid"])
        assert int(event["sequence"]) > int(sent["sequence"])


def test_a_pending_booking_cancelled_sends_no_calendar_file(
    located_paris_11, officer, buyer, charter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = _book(buyer, located_paris_11)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, role=Actor.BUYER, user=buyer, reason="Plus disponible")

    assert mail.outbox
    assert not any(_calendar_attachments(message) for message in mail.outbox)


def _as_bytes(content):
    return content.encode() if isinstance(content, str) else content


# --- the QR code ----------------------------------------------------------------------------------


def test_the_buyer_gets_the_qr_code_of_their_confirmed_booking(client, confirmed, buyer):
    client.force_login(buyer)

    response = client.get(reverse("bookings:qr", kwargs={"reference": confirmed.reference}))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content == booking_qr_svg(confirmed)
    assert f"<title>{confirmed.reference}</title>".encode() in response.content
    assert "private" in response["Cache-Control"]


def test_the_qr_code_is_a_404_for_another_buyer_and_a_login_for_no_one(client, confirmed, other_buyer):
    url = reverse("bookings:qr", kwargs={"reference": confirmed.reference})

    anonymous = client.get(url)
    client.force_login(other_buyer)
    other = client.get(url)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    assert other.status_code == 404
    assert confirmed.reference.encode() not in other.content


def test_the_calendar_file_is_a_404_for_another_buyer(client, confirmed, other_buyer):
    client.force_login(other_buyer)

    response = client.get(reverse("bookings:calendar", kwargs={"reference": confirmed.reference}))

    assert response.status_code == 404


def test_there_is_no_qr_code_before_the_seller_accepts(client, located_paris_11, officer, buyer, charter):
    booking = _book(buyer, located_paris_11)
    client.force_login(buyer)

    assert client.get(reverse("bookings:qr", kwargs={"reference": booking.reference})).status_code == 404


def test_the_png_and_the_svg_encode_the_same_symbol():
    booking = factories.BookingFactory.build(reference="SX-ACDEF")
    svg = booking_qr_svg(booking).decode()
    assert 'viewBox="0 0 29 29"' in svg  # 21 modules and a 4-module quiet zone on each side
    assert struct.unpack(">II", booking_qr_png(booking)[16:24]) == (290, 290)


# --- the pages ------------------------------------------------------------------------------------


def test_the_confirmed_booking_page_shows_the_qr_the_calendar_the_way_and_what_to_bring(
    client, confirmed, buyer, django_assert_num_queries
):
    client.force_login(buyer)
    url = reverse("bookings:detail", kwargs={"reference": confirmed.reference})

    # The user (the session is in the cache), the booking with its station and space, a move the
    # buyer may have asked (bookings.moves), its events: the QR, the calendar link and the
    # directions cost no query of their own.
    with django_assert_num_queries(4):
        page = client.get(url).content.decode()

    assert f'src="{reverse("bookings:qr", kwargs={"reference": confirmed.reference})}"' in page
    assert re.search(r'<img class="sx-qr[^>]*width="240" height="240"', page)
    assert f'href="{reverse("bookings:calendar", kwargs={"reference": confirmed.reference})}" download' in page
    assert "https://www.openstreetmap.org/directions?route=%3B48.858844%2C2.379910" in page
    assert "An identity document" in page
    assert "The item." in page
    assert reverse("charter:current") in page


def test_a_pending_booking_page_has_no_qr_yet(client, located_paris_11, officer, buyer, charter):
    booking = _book(buyer, located_paris_11)
    client.force_login(buyer)

    page = client.get(reverse("bookings:detail", kwargs={"reference": booking.reference})).content.decode()

    assert reverse("bookings:qr", kwargs={"reference": booking.reference}) not in page
    assert reverse("bookings:calendar", kwargs={"reference": booking.reference}) not in page


def test_a_cancelled_booking_page_offers_the_cancelling_file(
    client, confirmed, buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=confirmed, role=Actor.BUYER, user=buyer, reason="Plus disponible")
    client.force_login(buyer)

    page = client.get(reverse("bookings:detail", kwargs={"reference": confirmed.reference})).content.decode()

    assert "Remove from your calendar" in page
    assert reverse("bookings:calendar", kwargs={"reference": confirmed.reference}) in page
    assert reverse("bookings:qr", kwargs={"reference": confirmed.reference}) not in page


def test_the_seller_gets_the_same_from_their_signed_link(client, confirmed):
    token = seller_token(confirmed)

    page = client.get(reverse("bookings:seller-invite", kwargs={"token": token})).content.decode()
    qr = client.get(reverse("bookings:seller-qr", kwargs={"token": token}))
    ics = client.get(reverse("bookings:seller-calendar", kwargs={"token": token}))

    assert reverse("bookings:seller-qr", kwargs={"token": token}) in page
    assert reverse("bookings:seller-calendar", kwargs={"token": token}) in page
    assert "https://www.openstreetmap.org/directions?route=%3B48.858844%2C2.379910" in page
    assert qr.status_code == 200
    assert qr.content == booking_qr_svg(confirmed)
    _calendar, event = _event(_ics_of(ics))
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert str(event["attendee"]) == "mailto:seller@example.net"


def test_the_sellers_cancel_page_has_the_booking_in_their_pocket_too(client, confirmed):
    page = client.get(reverse("bookings:seller-cancel", kwargs={"token": seller_cancel_token(confirmed)})).text

    qr_url = reverse("bookings:seller-qr", kwargs={"token": seller_token(confirmed)})
    assert qr_url in page and reverse("bookings:seller-calendar", kwargs={"token": seller_token(confirmed)}) in page
    assert client.get(qr_url).content == booking_qr_svg(confirmed)


def test_a_forged_or_foreign_seller_link_gets_nothing(client, confirmed, paris_13, charter):
    elsewhere = factories.BookingFactory(
        station=paris_13, space=paris_13.spaces.get(kind=SpaceKind.ROOM), status=BookingStatus.CONFIRMED
    )
    forged = graft(seller_token(confirmed), seller_token(elsewhere))
    for name in ("bookings:seller-qr", "bookings:seller-calendar"):
        assert client.get(reverse(name, kwargs={"token": forged})).status_code == 404
        assert client.get(reverse(name, kwargs={"token": "not-a-token"})).status_code == 404
        # A cancel link is signed for another purpose: it opens neither.
        assert client.get(reverse(name, kwargs={"token": seller_cancel_token(confirmed)})).status_code == 404


def test_the_seller_link_gives_the_cancelling_file_once_cancelled(
    client, confirmed, buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=confirmed, role=Actor.BUYER, user=buyer, reason="Plus disponible")
    token = seller_token(confirmed)

    page = client.get(reverse("bookings:seller-invite", kwargs={"token": token})).content.decode()
    calendar, event = _event(_ics_of(client.get(reverse("bookings:seller-calendar", kwargs={"token": token}))))

    assert "Remove from your calendar" in page
    assert str(calendar["method"]) == "CANCEL"
    assert client.get(reverse("bookings:seller-qr", kwargs={"token": token})).status_code == 404


def test_a_post_to_the_downloads_changes_nothing(client, confirmed, buyer):
    client.force_login(buyer)
    for url in (
        reverse("bookings:qr", kwargs={"reference": confirmed.reference}),
        reverse("bookings:calendar", kwargs={"reference": confirmed.reference}),
        reverse("bookings:seller-qr", kwargs={"token": seller_token(confirmed)}),
    ):
        assert client.post(url).status_code == 405


def test_a_station_without_coordinates_shows_its_address_without_a_directions_link(
    client, paris_11, officer, buyer, charter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = _book(buyer, paris_11)
        booking_accept(**factories.SELLER_NAMES, booking=booking, charter_version=charter)
    client.force_login(buyer)

    page = client.get(reverse("bookings:detail", kwargs={"reference": booking.reference})).content.decode()

    assert paris_11.address in page
    assert "openstreetmap.org" not in page
