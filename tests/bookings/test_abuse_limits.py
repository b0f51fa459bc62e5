"""Abuse limits (bookings.abuse): the no-show ban and the hold-back of a slot a party freed."""

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import formats, timezone, translation

from bookings.abuse import booking_ban_lift, buyer_ban_until
from bookings.exceptions import BookingBanned, BookingError, SlotHeldBack
from bookings.models import Booking, BookingBanLift, BookingStatus, NoShowParty
from bookings.selectors import station_free_slots
from bookings.services import Actor, booking_accept, booking_cancel, booking_create, booking_decline
from stations.models import Room, SpaceKind
from tests import factories
from tests.charter_forms import charter_accepted
from tests.clock import pinned_clock
from tests.factories import SELLER_NAMES

S = BookingStatus
PARIS = zoneinfo.ZoneInfo("Europe/Paris")

# Wednesday 2026-06-10, 08:00 in Paris; pinned before the fixtures so shifts start today.
NOW = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)
# Friday 10:00 in Paris.
SLOT = datetime(2026, 6, 12, 10, 0, tzinfo=PARIS)

pytestmark = pytest.mark.django_db


_pinned_clock = pinned_clock(NOW)


def book(buyer, station, seller, *, starts_at=SLOT):
    return booking_create(buyer=buyer, station=station, starts_at=starts_at, item_title="Vélo de course", **seller)


def no_show(buyer, station, *, days_ago, party=NoShowParty.BUYER):
    starts_at = (NOW - timedelta(days=days_ago)).replace(microsecond=0)
    return factories.BookingFactory(
        station=station,
        space=Room.objects.get(station=station),
        buyer=buyer,
        starts_at=starts_at,
        status=S.NO_SHOW,
        no_show_party=party,
    )


def offered(station, starts_at=SLOT, *, buyer=None):
    day = timezone.localtime(starts_at, station.zone).date()
    slots = station_free_slots(station=station, kind=SpaceKind.ROOM, first_day=day, last_day=day, buyer=buyer)
    return starts_at in {slot.starts_at for slot in slots}


# --- the no-show ban ------------------------------------------------------------------------------


def test_two_no_shows_within_90_days_ban_the_buyer_for_30_days_from_the_latest(
    buyer, paris_11, officer, charter, seller
):
    no_show(buyer, paris_11, days_ago=70)
    latest = no_show(buyer, paris_11, days_ago=5)

    with pytest.raises(BookingBanned) as refused:
        book(buyer, paris_11, seller)

    assert refused.value.banned_until == latest.starts_at + timedelta(days=30)
    assert not Booking.objects.filter(buyer=buyer, status=S.PENDING).exists()
    # The ban ends 30 days after the latest no-show, not later.
    with time_machine.travel(latest.starts_at + timedelta(days=30), tick=False):
        assert buyer_ban_until(buyer=buyer) is None


def test_one_no_show_does_not_ban(buyer, paris_11, officer, charter, seller):
    no_show(buyer, paris_11, days_ago=5)

    assert book(buyer, paris_11, seller).status == S.PENDING


def test_no_shows_more_than_90_days_apart_do_not_ban(buyer, paris_11, officer, charter, seller):
    no_show(buyer, paris_11, days_ago=100)
    no_show(buyer, paris_11, days_ago=5)

    assert book(buyer, paris_11, seller).status == S.PENDING


def test_only_no_shows_where_the_buyer_was_absent_count(buyer, paris_11, officer, charter, seller):
    no_show(buyer, paris_11, days_ago=20, party=NoShowParty.SELLER)
    no_show(buyer, paris_11, days_ago=5, party=NoShowParty.SELLER)
    assert book(buyer, paris_11, seller).status == S.PENDING

    no_show(buyer, paris_11, days_ago=3, party=NoShowParty.BOTH)  # the buyer was absent too
    no_show(buyer, paris_11, days_ago=2, party=NoShowParty.BUYER)
    with pytest.raises(BookingBanned):
        book(buyer, paris_11, seller, starts_at=SLOT + timedelta(hours=1))


def test_the_wizard_says_until_when_at_the_first_step_in_the_buyers_language(client, buyer, paris_11, charter):
    no_show(buyer, paris_11, days_ago=40)
    latest = no_show(buyer, paris_11, days_ago=3)
    until = timezone.localtime(latest.starts_at + timedelta(days=30), PARIS)
    client.force_login(buyer)

    for language in ("en", "fr"):
        response = client.get(reverse("bookings:item", args=[paris_11.slug]), HTTP_ACCEPT_LANGUAGE=language)
        with translation.override(language):
            shown = formats.date_format(until, "DATETIME_FORMAT")
        assert response.status_code == 403
        assert shown in response.content.decode(), language
    assert "cannot book again until" in client.get(reverse("bookings:item", args=[paris_11.slug])).content.decode()


def test_staff_of_the_station_lift_the_ban_in_the_admin_and_the_lift_is_recorded(
    client, buyer, staff_11e, paris_11, officer, charter, seller
):
    no_show(buyer, paris_11, days_ago=40)
    missed = no_show(buyer, paris_11, days_ago=3)
    client.force_login(staff_11e)

    # The booking admin's action opens the form with the buyer filled in.
    opened = client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "lift_booking_ban", ACTION_CHECKBOX_NAME: [missed.pk]},
    )
    assert opened.status_code == 302
    form = client.get(opened["Location"])
    assert form.status_code == 200
    assert form.context["adminform"].form.initial["buyer"] == str(buyer.pk)

    response = client.post(
        reverse("admin:bookings_bookingbanlift_add"), {"buyer": buyer.pk, "reason": "Hospitalisé, justificatif vu"}
    )

    assert response.status_code == 302
    lift = BookingBanLift.objects.get()
    assert (lift.buyer, lift.lifted_by, lift.station, lift.lifted_at) == (buyer, staff_11e, paris_11, NOW)
    assert lift.reason == "Hospitalisé, justificatif vu"
    assert book(buyer, paris_11, seller).status == S.PENDING


def test_staff_of_another_station_cannot_lift_the_ban(client, buyer, staff_13e, paris_11, paris_13):
    no_show(buyer, paris_11, days_ago=40)
    no_show(buyer, paris_11, days_ago=3)
    client.force_login(staff_13e)

    response = client.post(reverse("admin:bookings_bookingbanlift_add"), {"buyer": buyer.pk, "reason": "Ami"})

    assert response.status_code == 200  # the form again: this buyer is not among the choices
    assert buyer.email not in response.content.decode()
    assert not BookingBanLift.objects.exists()
    assert buyer_ban_until(buyer=buyer) is not None
    with pytest.raises(BookingError):
        booking_ban_lift(buyer=buyer, user=staff_13e, reason="Ami", station=paris_13)


def test_a_superuser_may_lift_any_buyers_ban(client, buyer, paris_11):
    no_show(buyer, paris_11, days_ago=40)
    no_show(buyer, paris_11, days_ago=3)
    root = factories.UserFactory(email="root@prefecture.example", is_staff=True, is_superuser=True)
    client.force_login(root)

    response = client.post(reverse("admin:bookings_bookingbanlift_add"), {"buyer": buyer.pk, "reason": "Recours"})

    assert response.status_code == 302
    assert BookingBanLift.objects.get().station is None
    assert buyer_ban_until(buyer=buyer) is None


def test_a_lift_needs_a_reason_and_a_ban(buyer, other_buyer, staff_11e, paris_11):
    no_show(buyer, paris_11, days_ago=40)
    no_show(buyer, paris_11, days_ago=3)
    no_show(other_buyer, paris_11, days_ago=3)  # one no-show: no ban to lift

    with pytest.raises(BookingError):
        booking_ban_lift(buyer=buyer, user=staff_11e, reason="  ", station=paris_11)
    with pytest.raises(BookingError):
        booking_ban_lift(buyer=other_buyer, user=staff_11e, reason="Erreur", station=paris_11)
    assert not BookingBanLift.objects.exists()


def test_a_lift_forgives_earlier_no_shows_only(buyer, staff_11e, paris_11):
    no_show(buyer, paris_11, days_ago=40)
    no_show(buyer, paris_11, days_ago=3)
    booking_ban_lift(buyer=buyer, user=staff_11e, reason="Erreur de la permanence", station=paris_11)
    assert buyer_ban_until(buyer=buyer) is None

    with time_machine.travel(NOW + timedelta(days=10), tick=False):
        no_show(buyer, paris_11, days_ago=-8)
        no_show(buyer, paris_11, days_ago=-9)
        assert buyer_ban_until(buyer=buyer) is not None


# --- the hold-back of a freed slot ----------------------------------------------------------------


def test_a_slot_cancelled_by_its_buyer_returns_to_others_only_after_15_minutes(
    buyer, other_buyer, paris_11, officer, charter, seller
):
    booking = book(buyer, paris_11, seller)
    booking_cancel(booking=booking, role=Actor.BUYER, user=buyer, reason="Plus besoin")

    with time_machine.travel(NOW + timedelta(minutes=14, seconds=59), tick=False):
        assert not offered(paris_11, buyer=other_buyer)
        assert not offered(paris_11)  # nor to the partner API's anonymous listing
        with pytest.raises(SlotHeldBack) as refused:
            book(other_buyer, paris_11, seller)
        assert "freed by a cancellation" in refused.value.message
        assert "8:15" in refused.value.message  # the time it comes back, station time
        assert refused.value.available_at == NOW + timedelta(minutes=15)

    with time_machine.travel(NOW + timedelta(minutes=15), tick=False):
        assert offered(paris_11, buyer=other_buyer)
        again = book(other_buyer, paris_11, seller)
    assert again.space == booking.space


def test_a_seller_cancelling_or_declining_is_held_back_too(buyer, other_buyer, paris_11, officer, charter, seller):
    declined = book(buyer, paris_11, seller)
    booking_decline(booking=declined)
    with pytest.raises(SlotHeldBack):
        book(other_buyer, paris_11, seller)

    later = SLOT + timedelta(hours=2)
    confirmed = booking_accept(
        **SELLER_NAMES, booking=book(buyer, paris_11, seller, starts_at=later), charter_version=charter
    )
    booking_cancel(booking=confirmed, role=Actor.SELLER, reason="Vendu ailleurs")
    assert not offered(paris_11, later, buyer=other_buyer)


def test_the_buyer_who_cancelled_may_take_the_slot_back(buyer, paris_11, officer, charter, seller):
    booking = book(buyer, paris_11, seller)
    booking_cancel(booking=booking, role=Actor.BUYER, user=buyer, reason="Mauvais vendeur")

    assert offered(paris_11, buyer=buyer)
    assert book(buyer, paris_11, {"seller_email": "bon.vendeur@example.net", "seller_name": "Bon"}).space_id


def test_a_slot_the_station_cancelled_is_free_at_once(
    buyer, other_buyer, staff_11e, paris_11, officer, charter, seller
):
    # Staff freed it (a desk cancellation, a closure, pressure): nobody timed a hand-over,
    # and the priority rebooking link must find it.
    booking = book(buyer, paris_11, seller)
    booking_cancel(booking=booking, role=Actor.STAFF, user=staff_11e, reason="Double saisie")

    assert book(other_buyer, paris_11, seller).status == S.PENDING


def test_a_held_back_booking_keeps_its_officer_from_others(buyer, other_buyer, paris_11, officer, charter, seller):
    factories.SpaceFactory(station=paris_11, kind=SpaceKind.ROOM, name="Salle 2")
    booking = book(buyer, paris_11, seller)
    booking_cancel(booking=booking, role=Actor.BUYER, user=buyer, reason="Plus besoin")

    # Salle 2 is free, but the station's one officer is held back with Salle 1.
    assert not offered(paris_11, buyer=other_buyer)
    with pytest.raises(SlotHeldBack):
        book(other_buyer, paris_11, seller)


@pytest.mark.postgres
def test_after_the_hold_back_the_exclusion_constraint_lets_the_space_be_booked(
    on_postgres, buyer, other_buyer, paris_11, officer, charter, seller
):
    # The constraint covers holding statuses only: the cancelled row on the same space does not clash.
    booking = book(buyer, paris_11, seller)
    booking_cancel(booking=booking, role=Actor.BUYER, user=buyer, reason="Plus besoin")

    with time_machine.travel(NOW + timedelta(minutes=16), tick=False):
        again = book(other_buyer, paris_11, seller)

    assert (again.space_id, again.starts_at) == (booking.space_id, booking.starts_at)


def test_the_wizard_hides_a_held_back_slot_and_says_when_it_comes_back(
    client, buyer, other_buyer, paris_11, officer, charter, seller
):
    slot_key = SLOT.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    day = SLOT.date().isoformat()
    client.force_login(other_buyer)
    client.post(reverse("bookings:item", args=[paris_11.slug]), {"item_title": "Vélo", "item_kind": "goods"})
    assert (
        client.post(reverse("bookings:slot", args=[paris_11.slug]), {"day": day, "slot": slot_key}).status_code == 302
    )
    assert client.post(reverse("bookings:seller", args=[paris_11.slug]), seller).status_code == 302
    # Meanwhile the slot is booked and cancelled: another buyer's friend must not get it.
    booking_cancel(booking=book(buyer, paris_11, seller), role=Actor.BUYER, user=buyer, reason="Plus besoin")

    response = client.post(reverse("bookings:review", args=[paris_11.slug]), charter_accepted(), follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("bookings:slot", args=[paris_11.slug])
    assert "freed by a cancellation a few minutes ago: from 8:15" in page
    assert slot_key not in page
    assert not Booking.objects.filter(buyer=other_buyer).exists()
