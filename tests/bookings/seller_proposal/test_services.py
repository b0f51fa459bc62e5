"""The seller's proposal, service by service: made, confirmed, taken once, withdrawn; nothing half-written."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from bookings.exceptions import CharterViolation, InvalidName, ProposalUnavailable, SellerIsBuyer, SlotUnavailable
from bookings.models import Booking, BookingEvent, BookingStatus, SellerProposal
from bookings.seller_proposals import (
    DAILY_PER_SELLER,
    SellerProposalClosed,
    TooManySellerProposals,
    TooManyTimes,
    seller_proposal_confirm,
    seller_proposal_take,
    seller_proposal_times,
    seller_proposal_withdraw,
)
from tests.bookings.lifecycle.helpers import book

from .helpers import ITEM, KEYS, TIMES, key, propose

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(paris_11, officer, charter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return propose(paris_11, charter, buyer_email="buyer@example.org")


@pytest.fixture
def confirmed(proposal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        seller_proposal_confirm(proposal=proposal)
    return proposal


def test_a_proposal_waits_for_the_sellers_address_and_emails_them_the_link(proposal):
    assert proposal.confirmed_at is None
    assert proposal.slot_keys == KEYS
    assert proposal.expires_at == TIMES[-1]  # its last time, well before the fourteen days
    assert [(m.to, "/bookings/proposal/seller/" in m.body) for m in mail.outbox] == [(["seller@example.net"], True)]
    assert "Confirm your proposal" in mail.outbox[0].subject
    assert not proposal.is_open(timezone.now())  # the buyer's link does nothing yet


def test_confirming_sends_the_buyer_their_link_once(confirmed, django_capture_on_commit_callbacks):
    assert confirmed.confirmed_at == timezone.now()
    assert mail.outbox[-1].to == ["buyer@example.org"]
    assert "/bookings/proposal/" in mail.outbox[-1].body and "Camille Vendeur" in mail.outbox[-1].body

    with django_capture_on_commit_callbacks(execute=True):
        assert seller_proposal_confirm(proposal=confirmed) is False
    assert len(mail.outbox) == 2


def test_an_address_not_confirmed_within_a_day_stays_unconfirmed(proposal):
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        assert seller_proposal_confirm(proposal=proposal) is False
    assert proposal.confirmed_at is None


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"item": ITEM | {"item_title": "Machette de jardin"}}, CharterViolation),
        ({"slot_keys": [*KEYS, key(TIMES[0] + timedelta(hours=1, minutes=30))]}, TooManyTimes),
        ({"slot_keys": []}, TooManyTimes),
        ({"slot_keys": ["not-a-time"]}, TooManyTimes),
        ({"slot_keys": [key(TIMES[0].replace(hour=3))]}, ProposalUnavailable),  # the station is closed at 3
        ({"seller_first_name": "<script>"}, InvalidName),
    ],
)
def test_a_bad_proposal_is_refused_and_writes_nothing(paris_11, officer, charter, changes, error):
    with pytest.raises(error):
        propose(paris_11, charter, **changes)
    assert not SellerProposal.objects.exists()
    assert not mail.outbox


def test_a_time_taken_meanwhile_cannot_be_proposed(paris_11, officer, charter, buyer, seller):
    book(buyer, paris_11, seller, starts_at=TIMES[0])  # the station has one room and one officer

    with pytest.raises(ProposalUnavailable):
        propose(paris_11, charter)


def test_one_mailbox_starts_a_few_proposals_a_day_however_it_is_written(paris_11, officer, charter):
    for n in range(DAILY_PER_SELLER):
        propose(paris_11, charter, seller_email=f"ca.mille+{n}@gmail.com")

    with pytest.raises(TooManySellerProposals):
        propose(paris_11, charter, seller_email="Camille@gmail.com")
    propose(paris_11, charter, seller_email="someone.else@gmail.com")  # another mailbox


def test_the_buyer_takes_a_time_and_the_booking_is_confirmed_at_once(confirmed, buyer, charter):
    mail.outbox.clear()

    booking = seller_proposal_take(proposal=confirmed, buyer=buyer, key=KEYS[1], charter_version=charter)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.starts_at == TIMES[1]
    assert (booking.seller_email, booking.seller_first_name, booking.seller_last_name) == (
        "seller@example.net",
        "Camille",
        "Vendeur",
    )
    assert booking.seller_charter_version == charter and booking.buyer_charter_version == charter
    assert booking.listing_url == ITEM["listing_url"]
    assert list(booking.events.values_list("to_status", "actor_role")) == [
        (BookingStatus.PENDING, "buyer"),
        (BookingStatus.CONFIRMED, "seller"),
    ]
    confirmed.refresh_from_db()
    assert confirmed.booking == booking and not confirmed.is_open(timezone.now())


def test_the_seller_gets_no_invitation_only_the_confirmation(
    confirmed, buyer, charter, officer, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        seller_proposal_take(proposal=confirmed, buyer=buyer, key=KEYS[0], charter_version=charter)

    people = sorted((m.to[0], m.subject) for m in mail.outbox if m.to[0] != officer.user.email)
    assert [to for to, _subject in people] == ["buyer@example.org", "seller@example.net"]
    assert all("confirmed" in subject.lower() for _to, subject in people)
    assert not BookingEvent.objects.filter(notified_at__isnull=True).exists()


def test_a_proposal_is_taken_once(confirmed, buyer, other_buyer, charter):
    seller_proposal_take(proposal=confirmed, buyer=buyer, key=KEYS[0], charter_version=charter)

    with pytest.raises(SellerProposalClosed):
        seller_proposal_take(proposal=confirmed, buyer=other_buyer, key=KEYS[1], charter_version=charter)
    assert Booking.objects.count() == 1


def test_only_a_proposed_time_can_be_taken(confirmed, buyer, charter):
    with pytest.raises(ProposalUnavailable):
        seller_proposal_take(
            proposal=confirmed, buyer=buyer, key=key(TIMES[0] + timedelta(minutes=30)), charter_version=charter
        )
    assert not Booking.objects.exists()


def test_a_time_taken_by_someone_else_is_shown_and_refused(confirmed, buyer, other_buyer, seller, charter, paris_11):
    book(other_buyer, paris_11, seller | {"seller_email": "other@example.net"}, starts_at=TIMES[0])

    assert [time.free for time in seller_proposal_times(proposal=confirmed)] == [False, True, True]
    with pytest.raises(SlotUnavailable):
        seller_proposal_take(proposal=confirmed, buyer=buyer, key=KEYS[0], charter_version=charter)
    assert not Booking.objects.filter(buyer=buyer).exists()


def test_the_seller_cannot_take_their_own_proposal(confirmed, charter):
    from tests.factories import UserFactory

    seller_account = UserFactory(email="seller@example.net")
    with pytest.raises(SellerIsBuyer):
        seller_proposal_take(proposal=confirmed, buyer=seller_account, key=KEYS[0], charter_version=charter)
    assert not Booking.objects.exists()
    confirmed.refresh_from_db()
    assert confirmed.is_open(timezone.now())


@pytest.mark.parametrize("state", ["unconfirmed", "withdrawn", "expired"])
def test_a_closed_proposal_cannot_be_taken(proposal, buyer, charter, state, django_capture_on_commit_callbacks):
    if state != "unconfirmed":
        seller_proposal_confirm(proposal=proposal)
    if state == "withdrawn":
        assert seller_proposal_withdraw(proposal=proposal)
    moment = TIMES[-1] + timedelta(minutes=1) if state == "expired" else timezone.now()
    with time_machine.travel(moment, tick=False), pytest.raises(SellerProposalClosed):
        seller_proposal_take(proposal=proposal, buyer=buyer, key=KEYS[-1], charter_version=charter)
    assert not Booking.objects.exists()


def test_a_taken_proposal_cannot_be_withdrawn(confirmed, buyer, charter):
    seller_proposal_take(proposal=confirmed, buyer=buyer, key=KEYS[0], charter_version=charter)

    assert seller_proposal_withdraw(proposal=confirmed) is False
    assert confirmed.withdrawn_at is None
