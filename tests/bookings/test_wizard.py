"""The buyer's booking wizard, step by step over HTTP."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings.drafts import draft_get, draft_save
from bookings.models import Booking, BookingStatus
from bookings.selectors import station_free_slots
from stations.models import SpaceKind
from tests.charter_forms import charter_accepted

pytestmark = pytest.mark.django_db


# Wednesday 10:00 in Paris, far from midnight and from a daylight saving change:
# the slots offered and the holds of the wizard are read from the clock.
NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _first_free_slot(station, kind=SpaceKind.ROOM):
    today = timezone.localdate(timezone.now(), station.zone)
    return station_free_slots(station=station, kind=kind, first_day=today, last_day=today + timedelta(days=7))[0]


def _fill_item(client, station, **overrides):
    data = {"item_title": "Vélo de course", "item_description": "Taille M", "item_kind": "goods"} | overrides
    return client.post(reverse("bookings:item", args=[station.slug]), data)


def _walk_to_review(client, station, slot, seller, **item):
    assert _fill_item(client, station, **item).status_code == 302
    day = slot.local_starts_at.date().isoformat()
    response = client.post(reverse("bookings:slot", args=[station.slug]), {"day": day, "slot": slot.key})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(reverse("bookings:seller", args=[station.slug]), seller)
    assert response.status_code == 302


def test_anonymous_visitor_is_sent_to_login(client, paris_11, charter):
    response = client.get(reverse("bookings:item", args=[paris_11.slug]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_buyer_books_a_room_slot_through_every_step(
    client, paris_11, officer, buyer, seller, charter, django_capture_on_commit_callbacks
):
    client.force_login(buyer)
    slot = _first_free_slot(paris_11)
    for step in ("item",):
        assert client.get(reverse(f"bookings:{step}", args=[paris_11.slug])).status_code == 200
    _walk_to_review(client, paris_11, slot, seller)
    review = client.get(reverse("bookings:review", args=[paris_11.slug]))
    assert review.status_code == 200
    assert "Vélo de course" in review.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bookings:review", args=[paris_11.slug]), charter_accepted())
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:detail", args=[booking.reference])
    assert booking.status == BookingStatus.PENDING
    assert booking.space.kind == SpaceKind.ROOM
    assert booking.starts_at == slot.starts_at
    assert booking.seller_email == seller["seller_email"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([buyer.email, seller["seller_email"]])
    detail = client.get(response["Location"])
    assert booking.reference in detail.content.decode()


def test_review_without_ticking_the_charter_books_nothing(client, paris_11, officer, buyer, seller, charter):
    client.force_login(buyer)
    _walk_to_review(client, paris_11, _first_free_slot(paris_11), seller)
    response = client.post(reverse("bookings:review", args=[paris_11.slug]), {})
    assert response.status_code == 200
    assert "You must accept the charter" in response.content.decode()
    assert not Booking.objects.exists()


def test_forbidden_item_is_refused_with_its_reason_and_a_link_to_the_charter(client, paris_11, buyer, charter):
    client.force_login(buyer)
    response = _fill_item(client, paris_11, item_title="Machette de jardin")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Blades and sharp objects are not allowed." in body
    assert reverse("charter:current") in body


def test_vehicle_is_routed_to_a_parking_bay(client, paris_11, officer, buyer, seller, charter):
    client.force_login(buyer)
    bay_slot = _first_free_slot(paris_11, SpaceKind.BAY)
    _walk_to_review(
        client, paris_11, bay_slot, seller, item_title="Peugeot 208", item_kind="vehicle", vehicle_plate="ab-123-cd"
    )
    client.post(reverse("bookings:review", args=[paris_11.slug]), charter_accepted())
    booking = Booking.objects.get()
    assert booking.space.kind == SpaceKind.BAY
    assert booking.vehicle_plate == "AB-123-CD"


def test_vehicle_without_plate_is_asked_for_it(client, paris_11, buyer, charter):
    client.force_login(buyer)
    response = _fill_item(client, paris_11, item_title="Peugeot 208", item_kind="vehicle")
    assert response.status_code == 200
    assert "plate" in response.content.decode()


def test_slot_taken_meanwhile_sends_the_buyer_back_to_pick_another(
    client, paris_11, officer, buyer, other_buyer, seller, charter
):
    client.force_login(buyer)
    slot = _first_free_slot(paris_11)
    _walk_to_review(client, paris_11, slot, seller)
    # Another buyer takes the only room at that time (one room, one officer).
    from bookings.services import booking_create

    booking_create(buyer=other_buyer, station=paris_11, starts_at=slot.starts_at, item_title="Livres", **seller)
    response = client.post(reverse("bookings:review", args=[paris_11.slug]), charter_accepted(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("bookings:slot", args=[paris_11.slug])
    assert "This slot was just taken, pick another." in response.content.decode()
    assert Booking.objects.filter(buyer=buyer).count() == 0


def test_a_slot_not_offered_cannot_be_posted(client, paris_11, officer, buyer, charter):
    client.force_login(buyer)
    _fill_item(client, paris_11)
    response = client.post(reverse("bookings:slot", args=[paris_11.slug]), {"slot": "20200101T090000Z"})
    assert response.status_code == 200
    assert "no longer free" in response.content.decode()


def test_seller_email_must_differ_from_the_buyers(client, paris_11, officer, buyer, charter):
    client.force_login(buyer)
    response = client.post(
        reverse("bookings:seller", args=[paris_11.slug]),
        {"seller_email": buyer.email.upper(), "seller_name": "Moi"},
    )
    # Without the earlier steps the wizard sends the buyer back to the item step first.
    assert response.status_code == 302
    slot = _first_free_slot(paris_11)
    _fill_item(client, paris_11)
    client.post(reverse("bookings:slot", args=[paris_11.slug]), {"day": slot.local_starts_at.date(), "slot": slot.key})
    response = client.post(
        reverse("bookings:seller", args=[paris_11.slug]),
        {"seller_email": buyer.email.upper(), "seller_name": "Moi"},
    )
    assert response.status_code == 200
    assert "must not be your own" in response.content.decode()


def test_slot_page_lists_days_and_times_in_station_time(client, paris_11, officer, buyer, charter):
    client.force_login(buyer)
    _fill_item(client, paris_11)
    slot = _first_free_slot(paris_11)
    response = client.get(reverse("bookings:slot", args=[paris_11.slug]), {"day": slot.local_starts_at.date()})
    assert response.status_code == 200
    assert slot.local_starts_at.strftime("%H:%M") in response.content.decode()


def test_without_a_published_charter_the_wizard_says_bookings_are_closed(client, paris_11, buyer):
    client.force_login(buyer)
    response = client.get(reverse("bookings:item", args=[paris_11.slug]))
    assert response.status_code == 503
    assert "not open yet" in response.content.decode()


@pytest.mark.parametrize("day", ["2026-02-31", "not-a-day", "9999-99-99", ""])
def test_a_malformed_day_falls_back_to_the_first_free_day(client, paris_11, officer, buyer, charter, day):
    client.force_login(buyer)
    _fill_item(client, paris_11)
    response = client.get(reverse("bookings:slot", args=[paris_11.slug]), {"day": day})
    assert response.status_code == 200
    assert response.context["chosen_day"] == _first_free_slot(paris_11).local_starts_at.date()


# --- the charter in the wizard (issue 3) ---------------------------------------------------------


@pytest.fixture
def charter_with_vehicles_and_review(charter):
    from tests import factories

    factories.RuleFactory(
        version=charter,
        category="weapon",
        verdict="review",
        terms="arc a poulies\ncompound bow",
        exceptions="",
        reason_fr="Les arcs sont examinés par un policier.",
        reason_en="Bows are looked at by an officer.",
    )
    factories.RuleFactory(
        version=charter,
        category="vehicle",
        verdict="allowed",
        terms="voiture\nmoto\ncar",
        exceptions="voiture miniature\ncar seat",
        reason_fr="Les véhicules vont sur une place de stationnement.",
        reason_en="Vehicles go to a parking bay.",
    )
    return charter


def test_item_step_loads_the_live_charter_check(client, paris_11, buyer, charter):
    client.force_login(buyer)
    body = client.get(reverse("bookings:item", args=[paris_11.slug])).content.decode()
    assert "js/charter-check.js" in body
    assert f'data-check-url="{reverse("charter:check")}"' in body
    assert 'aria-live="polite"' in body


def test_a_refusal_links_to_the_charter_section_of_its_category(client, paris_11, buyer, charter):
    client.force_login(buyer)
    body = _fill_item(client, paris_11, item_title="Couteau de chasse").content.decode()
    assert f'href="{reverse("charter:current")}#blade"' in body
    assert "Read the charter of forbidden items." in body


def test_a_vehicle_declared_as_an_object_is_switched_to_a_vehicle_and_asked_for_its_plate(
    client, paris_11, buyer, charter_with_vehicles_and_review
):
    import re

    client.force_login(buyer)
    response = _fill_item(client, paris_11, item_title="Voiture Renault Clio", item_kind="goods")
    body = response.content.decode()
    assert response.status_code == 200
    assert "This looks like a vehicle" in body
    radios = {
        value: "checked" in tag for tag, value in re.findall(r'(<input[^>]*name="item_kind" value="(\w+)"[^>]*>)', body)
    }
    assert radios == {"goods": False, "vehicle": True}
    assert response.context["form"].cleaned_data["item_kind"] == "vehicle"


def test_a_vehicle_declared_as_an_object_is_booked_on_a_bay(
    client, paris_11, officer, buyer, seller, charter_with_vehicles_and_review
):
    client.force_login(buyer)
    bay_slot = _first_free_slot(paris_11, SpaceKind.BAY)
    _walk_to_review(
        client, paris_11, bay_slot, seller, item_title="Moto Yamaha MT-07", item_kind="goods", vehicle_plate="ab-1"
    )
    review = client.get(reverse("bookings:review", args=[paris_11.slug]))
    assert "parking bay" in review.content.decode()
    client.post(reverse("bookings:review", args=[paris_11.slug]), charter_accepted())
    booking = Booking.objects.get()
    assert (booking.space.kind, booking.item_kind, booking.vehicle_plate) == (SpaceKind.BAY, "vehicle", "AB-1")
    assert booking.charter_review.space_kind == SpaceKind.BAY


def test_a_toy_car_stays_an_object_in_a_room(client, paris_11, buyer, charter_with_vehicles_and_review):
    client.force_login(buyer)
    response = _fill_item(client, paris_11, item_title="Voiture miniature Norev", item_kind="goods")
    assert response.status_code == 302
    assert draft_get(buyer=buyer, station=paris_11)["item"]["item_kind"] == "goods"


def test_a_review_item_can_be_booked_and_is_flagged_for_staff(
    client, paris_11, officer, buyer, seller, charter_with_vehicles_and_review
):
    client.force_login(buyer)
    _walk_to_review(client, paris_11, _first_free_slot(paris_11), seller, item_title="Arc à poulies 60 lbs")
    review = client.get(reverse("bookings:review", args=[paris_11.slug])).content.decode()
    assert "An officer will look at this item" in review
    assert "Bows are looked at by an officer." in review

    response = client.post(reverse("bookings:review", args=[paris_11.slug]), charter_accepted())

    booking = Booking.objects.get()
    assert response["Location"] == reverse("bookings:detail", args=[booking.reference])
    assert booking.status == BookingStatus.PENDING
    assert (booking.charter_review.verdict, booking.charter_review.category) == ("review", "weapon")
    assert booking.charter_review.version == charter_with_vehicles_and_review


def test_the_server_checks_the_item_again_when_the_booking_is_submitted(
    client, paris_11, officer, buyer, seller, charter
):
    client.force_login(buyer)
    _walk_to_review(client, paris_11, _first_free_slot(paris_11), seller)
    # The item changes behind the form's back (another tab, a crafted session, a new charter).
    item = draft_get(buyer=buyer, station=paris_11)["item"]
    draft_save(buyer=buyer, station=paris_11, item=item | {"item_title": "Machette"})

    response = client.post(reverse("bookings:review", args=[paris_11.slug]), charter_accepted(), follow=True)

    assert response.redirect_chain[-1][0] == reverse("bookings:item", args=[paris_11.slug])
    assert "Blades and sharp objects are not allowed." in response.content.decode()
    assert not Booking.objects.exists()
