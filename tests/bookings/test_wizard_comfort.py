"""The wizard's comfort (issue 12, point 7): the limit told at step one, a clean draft, the htmx slot picker."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings.drafts import draft_get
from bookings.selectors import station_free_slots
from bookings.services import booking_create
from stations.models import SpaceKind

pytestmark = pytest.mark.django_db

# Wednesday 10:00 in Paris.
NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


def _slots(station, kind=SpaceKind.ROOM):
    today = timezone.localdate(timezone.now(), station.zone)
    return station_free_slots(station=station, kind=kind, first_day=today, last_day=today + timedelta(days=7))


# --- the limit of active bookings, at the first step --------------------------------------------


def test_a_buyer_at_the_limit_is_told_at_the_first_step_with_a_link_to_their_bookings(
    buyer_client, buyer, paris_11, officer, charter, seller
):
    for slot in _slots(paris_11)[:3]:
        booking_create(buyer=buyer, station=paris_11, starts_at=slot.starts_at, item_title="Livres", **seller)

    response = buyer_client.get(reverse("bookings:item", args=[paris_11.slug]))

    page = response.content.decode()
    assert "You already have 3 bookings in progress" in page
    assert reverse("bookings:mine") in page
    assert 'name="item_title"' not in page  # no form to fill in for nothing
    # A POST is refused the same way, and saves no draft.
    buyer_client.post(reverse("bookings:item", args=[paris_11.slug]), {"item_title": "Vélo", "item_kind": "goods"})
    assert draft_get(buyer=buyer, station=paris_11) == {}


def test_a_buyer_under_the_limit_gets_the_item_form(buyer_client, buyer, paris_11, officer, charter, seller):
    for slot in _slots(paris_11)[:2]:
        booking_create(buyer=buyer, station=paris_11, starts_at=slot.starts_at, item_title="Livres", **seller)

    response = buyer_client.get(reverse("bookings:item", args=[paris_11.slug]))

    assert 'name="item_title"' in response.content.decode()


# --- a new item, a clean draft -----------------------------------------------------------------


def test_a_new_item_does_not_keep_the_previous_drafts_vehicle_and_plate(buyer_client, buyer, paris_11, charter):
    item_url = reverse("bookings:item", args=[paris_11.slug])
    vehicle = {"item_title": "Peugeot 208", "item_kind": "vehicle", "vehicle_plate": "AB-123-CD"}
    assert buyer_client.post(item_url, vehicle).status_code == 302
    assert draft_get(buyer=buyer, station=paris_11)["item"]["vehicle_plate"] == "AB-123-CD"

    # Later, "Book a slot here" for another item.
    response = buyer_client.get(reverse("bookings:start", args=[paris_11.slug]), follow=True)

    page = response.content.decode()
    assert "AB-123-CD" not in page and "Peugeot" not in page
    assert response.context["form"]["item_kind"].value() == "goods"
    assert draft_get(buyer=buyer, station=paris_11) == {}


def test_going_back_to_the_item_step_keeps_the_answers(buyer_client, buyer, paris_11, charter):
    item_url = reverse("bookings:item", args=[paris_11.slug])
    buyer_client.post(item_url, {"item_title": "Peugeot 208", "item_kind": "vehicle", "vehicle_plate": "AB-123-CD"})

    assert "AB-123-CD" in buyer_client.get(item_url).content.decode()


# --- the slot picker: next free slots first, htmx partial or the whole page ------------------------


def _ready_for_slots(client, station):
    client.post(reverse("bookings:item", args=[station.slug]), {"item_title": "Vélo", "item_kind": "goods"})


def test_the_slot_page_shows_the_next_free_slots_first(buyer_client, paris_11, officer, charter):
    _ready_for_slots(buyer_client, paris_11)
    slots = _slots(paris_11)

    response = buyer_client.get(reverse("bookings:slot", args=[paris_11.slug]))

    page = response.content.decode()
    assert [s.key for s in response.context["next_slots"]] == [s.key for s in slots[:4]]
    assert page.index("Next free slots") < page.index("Or pick a day")
    assert 'id="id_next_slot_0"' in page


def test_an_htmx_day_change_answers_the_picker_alone(buyer_client, paris_11, officer, charter):
    _ready_for_slots(buyer_client, paris_11)
    other_day = _slots(paris_11)[-1].local_starts_at.date()
    url = reverse("bookings:slot", args=[paris_11.slug])

    partial = buyer_client.get(url, {"day": other_day.isoformat()}, headers={"HX-Request": "true"})
    full = buyer_client.get(url, {"day": other_day.isoformat()})

    assert partial.content.decode().lstrip().startswith('<div id="slot-picker"')
    assert "<html" not in partial.content.decode() and "<html" in full.content.decode()
    assert partial.context["chosen_day"] == full.context["chosen_day"] == other_day
    assert "HX-Request" in partial["Vary"] and "HX-Request" in full["Vary"]
    # The back button's history restore needs the whole page.
    restore = buyer_client.get(
        url, {"day": other_day.isoformat()}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.content.decode()


def test_without_javascript_the_days_are_plain_links_and_the_htmx_script_is_local(
    buyer_client, paris_11, officer, charter
):
    _ready_for_slots(buyer_client, paris_11)
    day = _slots(paris_11)[-1].local_starts_at.date().isoformat()

    page = buyer_client.get(reverse("bookings:slot", args=[paris_11.slug])).content.decode()

    assert f'href="{reverse("bookings:slot", args=[paris_11.slug])}?day={day}"' in page
    assert "/static/vendor/htmx.org-2.0.11/htmx.min.js" in page


def test_a_next_free_slot_on_another_day_can_be_posted(buyer_client, buyer, paris_11, officer, charter):
    _ready_for_slots(buyer_client, paris_11)
    first = _slots(paris_11)[0]
    last_day = _slots(paris_11)[-1].local_starts_at.date().isoformat()

    response = buyer_client.post(reverse("bookings:slot", args=[paris_11.slug]), {"day": last_day, "slot": first.key})

    assert response.status_code == 302
    assert draft_get(buyer=buyer, station=paris_11)["slot"] == first.key


def test_the_htmx_partial_costs_no_more_queries_than_the_page(buyer_client, paris_11, officer, charter):
    _ready_for_slots(buyer_client, paris_11)
    url = reverse("bookings:slot", args=[paris_11.slug])
    buyer_client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as page:
        buyer_client.get(url)
    with CaptureQueriesContext(connection) as partial:
        buyer_client.get(url, headers={"HX-Request": "true"})
    assert len(partial) <= len(page) <= 8


# --- the fair seller window, said when picked -----------------------------------------------------


def test_the_review_warns_when_the_seller_would_get_little_daytime(
    buyer_client, buyer, paris_11, officer, charter, seller
):
    # Booked at 10:00 for 14:00 today: the seller must answer by 12:00, two daytime hours.
    _ready_for_slots(buyer_client, paris_11)
    soon = _slots(paris_11)[0]
    picker = buyer_client.get(reverse("bookings:slot", args=[paris_11.slug])).content.decode()
    assert "Short notice" in picker
    buyer_client.post(reverse("bookings:slot", args=[paris_11.slug]), {"slot": soon.key})
    buyer_client.post(reverse("bookings:seller", args=[paris_11.slug]), seller)

    review = buyer_client.get(reverse("bookings:review", args=[paris_11.slug])).content.decode()

    assert "Short notice: the seller will have until" in review


def test_no_warning_for_a_slot_days_ahead(buyer_client, buyer, paris_11, officer, charter, seller):
    _ready_for_slots(buyer_client, paris_11)
    later = _slots(paris_11)[-1]
    buyer_client.post(reverse("bookings:slot", args=[paris_11.slug]), {"slot": later.key})
    buyer_client.post(reverse("bookings:seller", args=[paris_11.slug]), seller)

    review = buyer_client.get(reverse("bookings:review", args=[paris_11.slug])).content.decode()

    assert "Short notice" not in review
