"""Station under pressure (no new bookings in a period), closures' cancellations and the priority rebooking."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings.closures import closure_cancel_bookings, closure_save, pressure_cancel_bookings
from bookings.exceptions import RebookingUnavailable, SlotUnavailable, StationUnderPressure
from bookings.models import Booking, BookingStatus, CancelCause, CharterRefusal
from bookings.rebooking import rebooking_path
from bookings.selectors import station_free_slots
from bookings.services import booking_accept, booking_create
from stations.models import Closure, SpaceKind
from tests import factories
from tests.charter_forms import charter_accepted
from tests.clock import pinned_clock
from tests.factories import SELLER_NAMES

S = BookingStatus
NOW = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)  # Wednesday 08:00 in Paris

pytestmark = pytest.mark.django_db


_pinned_clock = pinned_clock(NOW)


def _slots(station, day_offset=2):
    day = timezone.localdate(timezone.now(), station.zone) + timedelta(days=day_offset)
    return station_free_slots(station=station, kind=SpaceKind.ROOM, first_day=day, last_day=day)


def _local(station, day_offset, hour):
    day = timezone.localdate(timezone.now(), station.zone) + timedelta(days=day_offset)
    return datetime(day.year, day.month, day.day, hour, tzinfo=station.zone)


def _pressure(station, starts_at=None, ends_at=None, message="Effectifs réduits cette semaine."):
    station.under_pressure = True
    station.pressure_starts_at = starts_at
    station.pressure_ends_at = ends_at
    station.pressure_message = message
    station.save()


def _book(buyer, station, seller, starts_at, **kwargs):
    return booking_create(buyer=buyer, station=station, starts_at=starts_at, item_title="Vélo", **seller, **kwargs)


def test_the_slot_engine_offers_nothing_in_the_pressure_period(paris_11, officer):
    before = _slots(paris_11)
    assert before
    _pressure(paris_11, starts_at=_local(paris_11, 2, 12), ends_at=_local(paris_11, 2, 14))

    during = _slots(paris_11)

    hours = {slot.local_starts_at.hour for slot in during}
    assert 12 not in hours and 13 not in hours
    assert {9, 10, 11, 14, 15} <= hours
    assert len(before) - len(during) == 4


def test_an_open_ended_switch_stops_every_new_booking(paris_11, officer):
    _pressure(paris_11)

    assert _slots(paris_11) == []
    assert (
        station_free_slots(
            station=paris_11, kind=SpaceKind.ROOM, first_day=NOW.date(), last_day=NOW.date() + timedelta(days=14)
        )
        == []
    )


def test_switched_off_the_period_no_longer_counts(paris_11, officer):
    _pressure(paris_11)
    paris_11.under_pressure = False
    paris_11.save()

    assert _slots(paris_11)


def test_booking_create_refuses_under_pressure_with_the_stations_message(paris_11, officer, buyer, seller, charter):
    slot = _slots(paris_11)[0]
    _pressure(paris_11, ends_at=_local(paris_11, 5, 0))

    with pytest.raises(StationUnderPressure) as refused:
        _book(buyer, paris_11, seller, slot.starts_at)

    assert "under pressure" in str(refused.value.message)
    assert "Effectifs réduits cette semaine." in str(refused.value.message)
    assert not Booking.objects.exists()


def test_bookings_made_before_the_switch_stay(paris_11, officer, buyer, seller, charter):
    booking = _book(buyer, paris_11, seller, _slots(paris_11)[0].starts_at)
    _pressure(paris_11)

    booking.refresh_from_db()
    assert booking.status == S.PENDING
    booking_accept(**SELLER_NAMES, booking=booking, charter_version=charter)
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED


def test_the_public_page_and_the_wizard_show_the_message(client, paris_11, officer, buyer, charter):
    _pressure(paris_11, ends_at=_local(paris_11, 5, 0))

    page = client.get(reverse("stations:detail", args=[paris_11.slug])).content.decode()
    assert "Effectifs réduits cette semaine." in page
    assert "pressure-notice" in page

    client.force_login(buyer)
    item = client.get(reverse("bookings:item", args=[paris_11.slug])).content.decode()
    assert "Effectifs réduits cette semaine." in item


def test_the_notice_goes_once_the_period_is_over(client, paris_11):
    _pressure(paris_11, starts_at=NOW - timedelta(days=3), ends_at=NOW - timedelta(days=1))

    page = client.get(reverse("stations:detail", args=[paris_11.slug])).content.decode()

    assert "pressure-notice" not in page


def test_staff_may_cancel_the_bookings_of_the_period_with_an_apology(
    paris_11, officer, buyer, seller, charter, staff_11e, django_capture_on_commit_callbacks
):
    inside = _book(buyer, paris_11, seller, _local(paris_11, 2, 10))
    outside = _book(buyer, paris_11, seller, _local(paris_11, 6, 10))
    _pressure(paris_11, starts_at=_local(paris_11, 1, 0), ends_at=_local(paris_11, 4, 0))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = pressure_cancel_bookings(station=paris_11, user=staff_11e)

    assert cancelled == [inside]
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert (inside.status, inside.cancel_cause) == (S.CANCELLED, CancelCause.PRESSURE)
    assert inside.events.last().actor == staff_11e
    assert outside.status == S.PENDING
    assert sorted(m.to[0] for m in mail.outbox) == sorted([buyer.email, seller["seller_email"]])


def test_saving_a_closure_through_its_service_stores_it_and_cancels_what_it_hits(
    paris_11, officer, buyer, seller, charter, staff_11e
):
    hit = _book(buyer, paris_11, seller, _local(paris_11, 2, 10))
    closure = Closure(
        station=paris_11, starts_at=_local(paris_11, 2, 9), ends_at=_local(paris_11, 2, 12), reason="Travaux"
    )

    cancelled = closure_save(closure=closure, user=staff_11e)

    hit.refresh_from_db()
    assert cancelled == [hit] and hit.status == S.CANCELLED
    assert Closure.objects.get(pk=closure.pk).reason == "Travaux"
    with pytest.raises(SlotUnavailable):  # the one-slot check reads the closure from now on
        _book(buyer, paris_11, seller, _local(paris_11, 2, 10))


def test_a_closure_cancels_what_it_hits_with_an_apology_and_a_priority_link(
    paris_11, officer, buyer, seller, charter, staff_11e, django_capture_on_commit_callbacks
):
    hit = _book(buyer, paris_11, seller, _local(paris_11, 2, 10))
    spared = _book(buyer, paris_11, seller, _local(paris_11, 2, 15))
    closure = factories.ClosureFactory(
        station=paris_11, starts_at=_local(paris_11, 2, 9), ends_at=_local(paris_11, 2, 12), reason="Exercice incendie"
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = closure_cancel_bookings(closure=closure, user=staff_11e)

    assert cancelled == [hit]
    hit.refresh_from_db()
    spared.refresh_from_db()
    assert hit.status == S.CANCELLED
    assert hit.cancel_cause == CancelCause.CLOSURE
    assert "Exercice incendie" in hit.cancel_reason
    assert spared.status == S.PENDING
    by_recipient = {message.to[0]: message for message in mail.outbox}
    to_buyer, to_seller = by_recipient[buyer.email], by_recipient[seller["seller_email"]]
    assert hit.reference in to_buyer.subject
    assert "Exercice incendie" in to_buyer.body
    assert "/bookings/rebook/" in to_buyer.body
    assert "/bookings/rebook/" in to_buyer.alternatives[0][0]
    assert "/bookings/rebook/" not in to_seller.body
    assert "new invitation" in to_seller.body


def _station_cancelled(buyer, station, seller, staff):
    booking = _book(buyer, station, seller, _local(station, 2, 10))
    closure = factories.ClosureFactory(
        station=station, starts_at=_local(station, 2, 9), ends_at=_local(station, 2, 12), reason="Travaux"
    )
    closure_cancel_bookings(closure=closure, user=staff)
    booking.refresh_from_db()
    return booking


def test_the_priority_link_prefills_the_wizard_and_books_under_pressure(
    client, paris_11, officer, buyer, seller, charter, staff_11e
):
    cancelled = _station_cancelled(buyer, paris_11, seller, staff_11e)
    _pressure(paris_11)
    client.force_login(buyer)

    response = client.get(rebooking_path(cancelled))
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:slot", args=[paris_11.slug])
    slot_page = client.get(response["Location"])
    assert "priority-notice" in slot_page.content.decode()
    assert _slots(paris_11, 3) == []
    day = NOW.date() + timedelta(days=3)
    slot = station_free_slots(station=paris_11, kind=SpaceKind.ROOM, first_day=day, last_day=day, ignore_pressure=True)[
        0
    ]
    picked = client.post(reverse("bookings:slot", args=[paris_11.slug]), {"day": day.isoformat(), "slot": slot.key})
    assert picked.status_code == 302, picked.content.decode()[:3000]
    review = client.get(reverse("bookings:review", args=[paris_11.slug]))
    assert cancelled.item_title in review.content.decode()
    response = client.post(reverse("bookings:review", args=[paris_11.slug]), charter_accepted())

    rebooked = Booking.objects.get(rebooked_from=cancelled)
    assert response["Location"] == reverse("bookings:detail", args=[rebooked.reference])
    assert rebooked.status == S.PENDING
    assert (rebooked.item_title, rebooked.seller_email) == (cancelled.item_title, cancelled.seller_email)
    # Once only.
    again = client.get(rebooking_path(cancelled), follow=True)
    assert str(RebookingUnavailable.message) in again.content.decode()


def test_the_priority_link_is_the_buyers_alone(
    client, paris_11, officer, buyer, other_buyer, seller, charter, staff_11e
):
    cancelled = _station_cancelled(buyer, paris_11, seller, staff_11e)
    client.force_login(other_buyer)

    response = client.get(rebooking_path(cancelled))

    assert response["Location"] == reverse("bookings:mine")
    with pytest.raises(RebookingUnavailable):
        _book(other_buyer, paris_11, seller, _local(paris_11, 3, 10), rebooked_from=cancelled)


def test_a_tampered_or_stale_priority_link_is_refused(client, paris_11, officer, buyer, seller, charter, staff_11e):
    cancelled = _station_cancelled(buyer, paris_11, seller, staff_11e)
    client.force_login(buyer)

    tampered = reverse("bookings:rebook", args=[rebooking_path(cancelled).split("/")[-2] + "x"])
    assert client.get(tampered)["Location"] == reverse("bookings:mine")
    path = rebooking_path(cancelled)
    with time_machine.travel(NOW + timedelta(days=15), tick=False):
        client.force_login(buyer)
        assert client.get(path)["Location"] == reverse("bookings:mine")


def test_a_booking_the_buyer_cancelled_has_no_priority(paris_11, officer, buyer, seller, charter):
    from bookings.services import Actor, booking_cancel

    booking = _book(buyer, paris_11, seller, _local(paris_11, 2, 10))
    booking_cancel(booking=booking, role=Actor.BUYER, user=buyer, reason="Plus besoin")
    _pressure(paris_11)

    with pytest.raises(RebookingUnavailable):
        _book(buyer, paris_11, seller, _local(paris_11, 3, 10), rebooked_from=booking)


def test_a_refused_item_is_counted_once_per_session_and_category(client, paris_11, buyer, charter):
    client.force_login(buyer)
    url = reverse("bookings:item", args=[paris_11.slug])
    for title in ("Machette", "Machette de jardin", "Lave-linge"):
        response = client.post(url, {"item_title": title, "item_kind": "goods"})
        assert response.status_code == 200

    rows = sorted(CharterRefusal.objects.values_list("station__slug", "category"))
    assert rows == [("paris-11", "blade"), ("paris-11", "bulky")]
    assert CharterRefusal.objects.filter(version=charter).count() == 2
