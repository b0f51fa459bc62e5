"""The seller's signed link: bookings.links, then the page it opens (bookings:seller-invite)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from bookings.links import (
    SELLER_INVITE_SALT,
    ExpiredLink,
    InvalidLink,
    booking_from_seller_token,
    seller_invite_path,
    seller_token,
)
from bookings.models import Booking, BookingEvent, BookingStatus
from stations.models import SpaceKind
from tests import factories
from tests.charter_forms import charter_accepted, seller_accepted

S = BookingStatus

pytestmark = pytest.mark.django_db


# Wednesday 10:00 in Paris, far from midnight and from a daylight saving change:
# holds, deadlines and link ages are read from the clock.
NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def make_booking(paris_11, buyer, charter):
    def make(**fields):
        starts_at = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
        values = {
            "station": paris_11,
            "space": paris_11.spaces.get(kind=SpaceKind.ROOM),
            "buyer": buyer,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(minutes=30),
            "hold_expires_at": timezone.now() + timedelta(hours=24),
            "buyer_charter_version": charter,
            "seller_email": "seller@example.net",
        }
        return factories.BookingFactory(**(values | fields))

    return make


@pytest.fixture
def booking(make_booking):
    return make_booking()


def tamper(token: str, position: int) -> str:
    replacement = "A" if token[position] != "A" else "B"
    return token[:position] + replacement + token[position + 1 :]


def snapshot(booking):
    """What must not change when a request is refused or only looks."""
    booking = Booking.objects.get(pk=booking.pk)
    return (
        booking.status,
        booking.seller_charter_version_id,
        booking.seller_answered_at,
        booking.updated_at,
        BookingEvent.objects.filter(booking=booking).count(),
    )


# --- bookings.links ---------------------------------------------------------------------------


def test_a_valid_token_resolves_to_its_booking(booking):
    assert booking_from_seller_token(seller_token(booking)) == booking


def test_the_invite_path_carries_the_token(booking):
    assert seller_invite_path(booking) == reverse("bookings:seller-invite", kwargs={"token": seller_token(booking)})


def test_two_bookings_get_different_tokens(booking, make_booking):
    other = make_booking(starts_at=booking.starts_at + timedelta(hours=1), ends_at=booking.ends_at + timedelta(hours=1))

    assert seller_token(booking) != seller_token(other)
    assert booking_from_seller_token(seller_token(other)) == other


@pytest.mark.parametrize("where", ["start", "middle", "signature", "end"])
def test_a_token_with_one_character_changed_is_invalid(booking, where):
    token = seller_token(booking)
    position = {"start": 1, "middle": len(token) // 2, "signature": token.rindex(":") + 3, "end": -1}[where]
    tampered = tamper(token, position if position >= 0 else len(token) - 1)
    assert tampered != token

    with pytest.raises(InvalidLink):
        booking_from_seller_token(tampered)


def test_a_token_signed_for_another_purpose_is_invalid(booking):
    token = signing.dumps({"b": booking.pk, "n": booking.invite_nonce}, salt="accounts.password-reset", compress=True)

    with pytest.raises(InvalidLink):
        booking_from_seller_token(token)


def test_a_token_naming_another_bookings_nonce_is_invalid(booking, make_booking):
    other = make_booking(starts_at=booking.starts_at + timedelta(hours=1), ends_at=booking.ends_at + timedelta(hours=1))
    token = signing.dumps({"b": booking.pk, "n": other.invite_nonce}, salt=SELLER_INVITE_SALT, compress=True)

    with pytest.raises(InvalidLink):
        booking_from_seller_token(token)


def test_a_token_without_a_nonce_is_invalid(booking):
    token = signing.dumps({"b": booking.pk}, salt=SELLER_INVITE_SALT, compress=True)

    with pytest.raises(InvalidLink):
        booking_from_seller_token(token)


def test_a_token_for_a_booking_that_no_longer_exists_is_invalid(booking):
    token = seller_token(booking)
    Booking.objects.filter(pk=booking.pk).delete()

    with pytest.raises(InvalidLink):
        booking_from_seller_token(token)


@pytest.mark.parametrize("payload", [[1, 2], "hello", 42, {"n": "x"}])
def test_a_signed_token_of_the_wrong_shape_is_invalid(booking, payload):
    with pytest.raises(InvalidLink):
        booking_from_seller_token(signing.dumps(payload, salt=SELLER_INVITE_SALT))


def test_a_new_nonce_revokes_the_old_link(booking):
    token = seller_token(booking)
    Booking.objects.filter(pk=booking.pk).update(invite_nonce="a-fresh-nonce")

    with pytest.raises(InvalidLink):
        booking_from_seller_token(token)


def test_the_link_expires_at_the_hold_deadline(booking):
    token = seller_token(booking)
    deadline = booking.hold_expires_at

    assert booking_from_seller_token(token, now=deadline - timedelta(seconds=1)) == booking
    with pytest.raises(ExpiredLink) as error:
        booking_from_seller_token(token, now=deadline)

    assert error.value.booking == booking


def test_an_answered_link_still_resolves_after_the_deadline_to_show_the_answer(make_booking):
    answered = make_booking(status=S.CONFIRMED, seller_answered_at=timezone.now())

    assert booking_from_seller_token(seller_token(answered), now=answered.hold_expires_at + timedelta(days=1)) == (
        answered
    )


# --- the page: GET only looks -----------------------------------------------------------------


def invite_url(booking_or_token) -> str:
    token = booking_or_token if isinstance(booking_or_token, str) else seller_token(booking_or_token)
    return reverse("bookings:seller-invite", kwargs={"token": token})


def test_opening_the_link_shows_the_invitation_and_changes_nothing(client, booking, django_capture_on_commit_callbacks):
    before = snapshot(booking)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.get(invite_url(booking))

    assert response.status_code == 200
    assert "bookings/seller/invite.html" in [t.name for t in response.templates]
    assert booking.reference in response.text
    assert 'name="accept_charter"' in response.text
    assert snapshot(booking) == before
    assert callbacks == []
    assert mail.outbox == []


def test_opening_the_link_twice_or_with_head_still_changes_nothing(client, booking):
    before = snapshot(booking)

    client.get(invite_url(booking))
    client.get(invite_url(booking))
    client.head(invite_url(booking))

    assert snapshot(booking) == before


# --- the page: POST answers -------------------------------------------------------------------


def test_accepting_with_the_charter_box_confirms(client, booking, charter, django_capture_on_commit_callbacks):
    url = invite_url(booking)  # once: a token signed a second later differs (its timestamp)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, seller_accepted())

    assert response.status_code == 302
    assert response.url == url
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED
    assert booking.seller_charter_version == charter
    assert booking.seller_answered_at is not None
    event = booking.events.get()
    assert (event.from_status, event.to_status, event.actor_role) == (S.PENDING, S.CONFIRMED, "seller")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([booking.buyer.email, booking.seller_email])


def test_accepting_without_the_charter_box_changes_nothing(client, booking, django_capture_on_commit_callbacks):
    before = snapshot(booking)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(invite_url(booking), {"action": "accept"})

    assert response.status_code == 400
    assert snapshot(booking) == before
    assert callbacks == []
    assert mail.outbox == []


def test_accepting_a_forbidden_item_changes_nothing(client, make_booking):
    # Written straight to the table: booking_create would have refused it.
    booking = make_booking(item_title="Machette de jardin")
    before = snapshot(booking)

    response = client.post(invite_url(booking), seller_accepted())

    assert response.status_code in (302, 400)
    assert snapshot(booking) == before


def test_declining_declines(client, booking, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url(booking), {"action": "decline", "note": "Déjà vendu"})

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == S.DECLINED
    assert booking.seller_charter_version is None
    assert booking.events.get().note == "Déjà vendu"
    assert [m.to[0] for m in mail.outbox] == [booking.buyer.email]


def test_a_post_without_an_action_changes_nothing(client, booking):
    before = snapshot(booking)

    response = client.post(invite_url(booking), charter_accepted())

    assert response.status_code == 400
    assert snapshot(booking) == before


# --- the link after an answer, tampered or expired --------------------------------------------


@pytest.mark.parametrize("first", ["accept", "decline"])
@pytest.mark.parametrize("then", ["accept", "decline"])
def test_reusing_the_link_after_an_answer_shows_the_answer_and_changes_nothing(
    client, booking, django_capture_on_commit_callbacks, first, then
):
    url = invite_url(booking)
    client.post(url, seller_accepted(action=first))
    before = snapshot(booking)
    assert before[0] == {"accept": S.CONFIRMED, "decline": S.DECLINED}[first]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        shown = client.get(url)
        replayed = client.post(url, seller_accepted(action=then))

    for response in (shown, replayed):
        assert response.status_code == 200
        assert "bookings/seller/answered.html" in [t.name for t in response.templates]
    assert snapshot(booking) == before
    assert callbacks == []
    assert mail.outbox == []


def test_a_link_to_a_booking_the_buyer_cancelled_shows_it_is_closed(client, make_booking):
    booking = make_booking(status=S.CANCELLED)
    before = snapshot(booking)

    response = client.post(invite_url(booking), seller_accepted())

    assert response.status_code == 200
    assert "bookings/seller/answered.html" in [t.name for t in response.templates]
    assert snapshot(booking) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_not_found_and_changes_nothing(client, booking, method):
    before = snapshot(booking)
    token = tamper(seller_token(booking), len(seller_token(booking)) // 2)

    response = getattr(client, method)(invite_url(token), seller_accepted())

    assert response.status_code == 404
    assert snapshot(booking) == before
    assert mail.outbox == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_link_signed_with_another_salt_is_not_found(client, booking, method):
    token = signing.dumps({"b": booking.pk, "n": booking.invite_nonce}, salt="other-purpose", compress=True)
    before = snapshot(booking)

    response = getattr(client, method)(invite_url(token), seller_accepted())

    assert response.status_code == 404
    assert snapshot(booking) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_link_is_gone_and_changes_nothing(client, make_booking, method):
    booking = make_booking(hold_expires_at=timezone.now() - timedelta(minutes=1))
    before = snapshot(booking)

    response = getattr(client, method)(invite_url(booking), seller_accepted())

    assert response.status_code == 410
    assert "bookings/seller/expired_link.html" in [t.name for t in response.templates]
    assert snapshot(booking) == before
    assert mail.outbox == []
