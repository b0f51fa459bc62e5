"""Both parties' names: the seller gives theirs on accepting, the desk shows both and records the identity check."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings.exceptions import InvalidName, InvalidTransition, NotStationStaff
from bookings.identity import booking_record_identity_check
from bookings.links import seller_invite_path
from bookings.models import Booking, BookingEvent, BookingStatus, IdentityDocument, Party
from bookings.retention import bookings_anonymise
from bookings.services import booking_accept
from stations.models import Room, SpaceKind
from tests import factories
from tests.charter_forms import seller_accepted

S = BookingStatus
NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)  # Wednesday 10:00 in Paris

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pending(paris_11, buyer, charter):
    starts_at = NOW + timedelta(days=2)
    return factories.BookingFactory(
        station=paris_11,
        space=paris_11.spaces.get(kind=SpaceKind.ROOM),
        buyer=buyer,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        hold_expires_at=NOW + timedelta(hours=24),
        buyer_charter_version=charter,
        seller_email="seller@example.net",
        seller_name="Camille V.",
        language="en",
    )


def _at_desk(station, **fields):
    return factories.BookingFactory(
        station=station,
        space=Room.objects.get(station=station),
        starts_at=NOW + timedelta(minutes=15),
        ends_at=NOW + timedelta(minutes=45),
        **{"status": S.CONFIRMED, **fields},
    )


def _card(booking):
    return reverse("admin:bookings_booking_desk_booking", args=[booking.pk])


# --- the seller gives their name ---------------------------------------------------------------


def test_the_invitation_shows_the_buyers_name(client, pending):
    page = client.get(seller_invite_path(pending)).text

    assert pending.buyer.get_full_name() in page
    assert 'name="first_name"' in page and 'name="last_name"' in page


def test_the_invitation_of_a_buyer_without_a_name_shows_their_email(client, pending):
    pending.buyer.first_name = pending.buyer.last_name = ""
    pending.buyer.save()

    page = client.get(seller_invite_path(pending)).text

    assert f"The buyer ({pending.buyer.email})" in page


@pytest.mark.parametrize("missing", ["first_name", "last_name"])
def test_accepting_without_a_name_is_refused_and_changes_nothing(client, pending, missing):
    data = seller_accepted()
    del data[missing]

    response = client.post(seller_invite_path(pending), data)

    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == S.PENDING and pending.seller_first_name == pending.seller_last_name == ""
    assert not pending.events.exists()


def test_accepting_with_an_unreadable_name_is_refused(client, pending):
    response = client.post(seller_invite_path(pending), seller_accepted(first_name="Camille\u202e", last_name="V"))

    assert response.status_code == 400
    assert "invisible or control character" in response.text
    pending.refresh_from_db()
    assert pending.status == S.PENDING


def test_accepting_stores_the_sellers_name(client, pending, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            seller_invite_path(pending), seller_accepted(first_name=" Camille ", last_name="Vendeur  Dupont")
        )

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == S.CONFIRMED
    assert (pending.seller_first_name, pending.seller_last_name) == ("Camille", "Vendeur Dupont")
    assert pending.seller_name == "Camille V."  # what the buyer typed stays, for the record
    to_buyer = next(m for m in mail.outbox if m.to == [pending.buyer.email])
    assert "The seller, Camille Vendeur Dupont, has accepted the meeting." in to_buyer.body
    to_seller = next(m for m in mail.outbox if m.to == [pending.seller_email])
    assert f"You will meet the buyer, {pending.buyer.get_full_name()}." in to_seller.body
    assert to_seller.body.startswith("Hello Camille Vendeur Dupont,")


def test_the_service_refuses_an_accept_without_names(pending, charter):
    with pytest.raises(InvalidName):
        booking_accept(booking=pending, charter_version=charter, seller_first_name="  ", seller_last_name="Vendeur")

    pending.refresh_from_db()
    assert pending.status == S.PENDING and not pending.events.exists()


# --- the desk ----------------------------------------------------------------------------------


def test_the_desk_shows_both_names(client, paris_11, staff_11e):
    booking = _at_desk(paris_11, seller_first_name="Camille", seller_last_name="Vendeur", seller_name="Cam")
    client.force_login(staff_11e)

    page = client.get(_card(booking)).text

    assert booking.buyer.get_full_name() in page
    assert "Camille Vendeur" in page
    assert "named “Cam” by the buyer" in page


def test_the_desk_shows_the_email_of_a_buyer_without_a_name(client, paris_11, staff_11e):
    nameless = factories.UserFactory(email="old.buyer@example.org", first_name="", last_name="")
    booking = _at_desk(paris_11, buyer=nameless)
    client.force_login(staff_11e)

    page = client.get(_card(booking)).text

    assert "no name given" in page and "old.buyer@example.org" in page


def test_the_desk_escapes_the_names(client, paris_11, staff_11e):
    # Accounts older than the name checks may hold anything.
    odd = factories.UserFactory(first_name="<script>alert(1)</script>", last_name="Dupont")
    booking = _at_desk(paris_11, buyer=odd, seller_first_name="<b>Camille</b>", seller_last_name="V")
    client.force_login(staff_11e)

    page = client.get(_card(booking)).text

    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>Camille</b>" not in page


def test_the_desk_records_the_kind_of_document_only(client, paris_11, staff_11e):
    booking = _at_desk(paris_11)
    client.force_login(staff_11e)

    response = client.post(_card(booking), {"action": "seller_identity", "document": "passport", "number": "12AB34567"})

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.seller_identity_document == IdentityDocument.PASSPORT
    assert booking.seller_identity_checked_at == NOW
    assert booking.buyer_identity_document == "" and booking.buyer_identity_checked_at is None
    assert booking.status == S.CONFIRMED
    event = booking.events.get()
    assert (event.actor, event.actor_role, event.from_status, event.to_status) == (
        staff_11e,
        "staff",
        S.CONFIRMED,
        S.CONFIRMED,
    )
    assert event.note == "Seller's identity checked: Passport."
    assert event.notified_at is not None  # nothing to email
    # The number typed in a stray field is stored nowhere.
    assert not any("12AB34567" in str(value) for value in Booking.objects.filter(pk=booking.pk).values().get().values())
    assert not BookingEvent.objects.filter(note__contains="12AB34567").exists()
    page = client.get(_card(booking)).text
    assert "Identity checked at 10:00: Passport" in page


def test_the_desk_asks_which_document(client, paris_11, staff_11e):
    booking = _at_desk(paris_11)
    client.force_login(staff_11e)

    response = client.post(_card(booking), {"action": "buyer_identity", "document": ""}, follow=True)

    assert "Say which kind of identity document was shown." in response.text
    booking.refresh_from_db()
    assert booking.buyer_identity_checked_at is None and not booking.events.exists()


def test_another_stations_staff_cannot_record_an_identity_check(client, paris_11, staff_13e):
    booking = _at_desk(paris_11)
    client.force_login(staff_13e)

    assert client.post(_card(booking), {"action": "buyer_identity", "document": "passport"}).status_code == 404
    with pytest.raises(NotStationStaff):
        booking_record_identity_check(booking=booking, party=Party.BUYER, document="passport", user=staff_13e)

    booking.refresh_from_db()
    assert booking.buyer_identity_checked_at is None and not booking.events.exists()


def test_a_buyer_cannot_record_an_identity_check(paris_11, buyer):
    booking = _at_desk(paris_11)

    with pytest.raises(NotStationStaff):
        booking_record_identity_check(booking=booking, party=Party.SELLER, document="passport", user=buyer)


@pytest.mark.parametrize(("party", "document"), [("officer", "passport"), ("buyer", "id_number"), ("buyer", "")])
def test_an_unknown_party_or_document_is_refused(paris_11, staff_11e, party, document):
    booking = _at_desk(paris_11)

    with pytest.raises(InvalidTransition):
        booking_record_identity_check(booking=booking, party=party, document=document, user=staff_11e)


@pytest.mark.parametrize("status", [S.PENDING, S.CANCELLED, S.COMPLETED])
def test_identity_is_checked_only_for_a_booking_at_the_desk(paris_11, staff_11e, status):
    booking = _at_desk(paris_11, status=status, hold_expires_at=NOW + timedelta(minutes=5))

    with pytest.raises(InvalidTransition):
        booking_record_identity_check(booking=booking, party=Party.BUYER, document="passport", user=staff_11e)
    assert not booking.events.exists()


def test_the_station_day_page_shows_the_sellers_own_name(client, paris_11, staff_11e):
    _at_desk(paris_11, seller_first_name="Camille", seller_last_name="Vendeur", seller_name="Cam")
    client.force_login(staff_11e)

    page = client.get(reverse("admin:bookings_booking_schedule"), {"station": paris_11.pk}).text

    assert "Camille Vendeur" in page


# --- retention ----------------------------------------------------------------------------------


def test_the_retention_purge_clears_names_and_documents(paris_11, staff_11e):
    booking = _at_desk(paris_11, seller_first_name="Camille", seller_last_name="Vendeur")
    booking_record_identity_check(booking=booking, party=Party.BUYER, document="residence_permit", user=staff_11e)
    booking_record_identity_check(booking=booking, party=Party.SELLER, document="passport", user=staff_11e)

    bookings_anonymise(now=timezone.now() + timedelta(days=400))

    booking.refresh_from_db()
    assert booking.buyer_id is None
    assert (booking.seller_first_name, booking.seller_last_name, booking.seller_full_name) == ("", "", "")
    assert booking.buyer_identity_document == booking.seller_identity_document == ""
    assert booking.buyer_identity_checked_at is not None  # that a check happened is kept, not on what
    assert not booking.events.exclude(note="").exists()


def test_an_incident_hold_keeps_the_names(paris_11):
    booking = _at_desk(paris_11, seller_first_name="Camille", seller_last_name="Vendeur", retention_hold=True)

    bookings_anonymise(now=timezone.now() + timedelta(days=400))

    booking.refresh_from_db()
    assert booking.seller_full_name == "Camille Vendeur"
