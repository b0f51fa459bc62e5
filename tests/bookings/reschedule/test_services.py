"""Reschedule (bookings.reschedule): the move holds its slot, the seller answers, the booking moves or stays."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from bookings.exceptions import (
    InvalidTransition,
    MoveAlreadyPending,
    MoveTooLate,
    MoveUnavailable,
    ProposalUnavailable,
    SlotUnavailable,
    TooManyActiveBookings,
    TooManyProposals,
)
from bookings.models import Actor, Booking, EventKind, ReminderDelivery
from bookings.reschedule import (
    booking_move_accept,
    booking_move_decline,
    booking_move_request,
    booking_proposal_take,
    booking_times_propose,
)
from bookings.selectors import buyer_bookings, station_free_slots
from bookings.services import booking_cancel, bookings_expire_overdue
from tests import factories
from tests.bookings.lifecycle.helpers import NOW, SLOT, S, book

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
NEW_SLOT = SLOT + HOUR  # Friday 11:00 in Paris


def kinds(booking):
    return list(booking.events.exclude(kind="").order_by("id").values_list("kind", flat=True))


def free_starts(station, day):
    return {s.starts_at for s in station_free_slots(station=station, kind="room", first_day=day, last_day=day)}


def test_a_move_holds_the_new_slot_while_the_booking_keeps_its_own(confirmed, buyer, paris_11):
    move = booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT)

    assert move.moves == confirmed and move.status == S.PENDING and move.starts_at == NEW_SLOT
    assert move.officer_id == confirmed.officer_id  # the room's officer is reserved for it too
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.starts_at) == (S.CONFIRMED, SLOT)
    free = free_starts(paris_11, SLOT.date())
    assert SLOT not in free and NEW_SLOT not in free
    assert kinds(confirmed) == [EventKind.MOVE_REQUESTED]
    event = confirmed.events.last()
    assert (event.from_status, event.to_status, event.actor_role) == (S.CONFIRMED, S.CONFIRMED, Actor.BUYER)


def test_the_database_refuses_another_booking_on_the_proposed_slot(confirmed, buyer, paris_11):
    move = booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT)

    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            **{f.attname: getattr(move, f.attname) for f in Booking._meta.concrete_fields if f.attname != "id"}
            | {"reference": "SX-AAAAA", "moves_id": None}
        )


def test_another_buyer_cannot_book_the_proposed_slot(confirmed, buyer, other_buyer, paris_11, seller):
    booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT)

    with pytest.raises(SlotUnavailable):
        book(other_buyer, paris_11, seller, starts_at=NEW_SLOT)


def test_the_seller_accepts_and_the_booking_moves(
    confirmed, buyer, paris_11, charter, django_capture_on_commit_callbacks
):
    booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        moved = booking_move_accept(booking=confirmed, charter_version=charter)

    assert (moved.status, moved.starts_at, moved.ends_at) == (
        S.CONFIRMED,
        NEW_SLOT,
        NEW_SLOT + moved.station.slot_length,
    )
    assert not Booking.objects.filter(moves=confirmed).exists()
    assert moved.reference == confirmed.reference
    free = free_starts(paris_11, SLOT.date())
    assert SLOT in free and NEW_SLOT not in free
    assert kinds(moved) == [EventKind.MOVE_REQUESTED, EventKind.MOVE_ACCEPTED]
    # Both parties told, with the old and the new time in the text.
    moved_mails = [m for m in mail.outbox if "moved" in m.subject or "déplacé" in m.subject.lower()]
    assert sorted(m.to[0] for m in moved_mails) == sorted([buyer.email, confirmed.seller_email])
    assert all("10:00" in m.body and "11:00" in m.body for m in moved_mails)


def test_a_pending_booking_moved_is_confirmed_by_the_sellers_answer(pending, buyer, paris_11, charter):
    booking_move_request(booking=pending, buyer=buyer, station=paris_11, starts_at=NEW_SLOT)

    moved = booking_move_accept(booking=pending, charter_version=charter)

    assert (moved.status, moved.starts_at, moved.seller_charter_version) == (S.CONFIRMED, NEW_SLOT, charter)
    assert list(moved.events.values_list("from_status", "to_status"))[-1] == (S.PENDING, S.CONFIRMED)


def test_the_seller_declines_and_the_booking_stays(confirmed, buyer, paris_11, django_capture_on_commit_callbacks):
    booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        booking_move_decline(booking=confirmed, note="Pas dispo")

    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.starts_at) == (S.CONFIRMED, SLOT)
    assert NEW_SLOT in free_starts(paris_11, SLOT.date())  # released at once, no hold-back
    assert kinds(confirmed) == [EventKind.MOVE_REQUESTED, EventKind.MOVE_DECLINED]
    assert [m.to[0] for m in mail.outbox] == [buyer.email]
    assert "Pas dispo" in mail.outbox[0].body
    with pytest.raises(MoveUnavailable):
        booking_move_decline(booking=confirmed)


def test_an_unanswered_move_expires_and_the_booking_stays(confirmed, buyer, paris_11, charter):
    move = booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT)

    later = move.hold_expires_at + timedelta(seconds=1)
    # A lapsed hold never blocks: the slot is free even before the sweep.
    assert NEW_SLOT in free_starts_at(paris_11, later)
    assert bookings_expire_overdue(now=later) == 1

    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.starts_at) == (S.CONFIRMED, SLOT)
    assert kinds(confirmed) == [EventKind.MOVE_REQUESTED, EventKind.MOVE_EXPIRED]
    with time_machine.travel(later, tick=False), pytest.raises(MoveUnavailable):
        booking_move_accept(booking=confirmed, charter_version=charter)


def free_starts_at(station, now):
    day = SLOT.date()
    return {s.starts_at for s in station_free_slots(station=station, kind="room", first_day=day, last_day=day, now=now)}


def test_cancelling_the_booking_ends_its_move(confirmed, buyer, paris_11):
    booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT)

    booking_cancel(booking=confirmed, role=Actor.BUYER, user=buyer)

    assert not Booking.objects.filter(moves=confirmed).exists()
    assert NEW_SLOT in free_starts(paris_11, SLOT.date())


def test_a_move_is_not_counted_against_the_limit_of_active_bookings(buyer, paris_11, officer, charter, seller):
    bookings = [book(buyer, paris_11, seller, starts_at=SLOT + n * HOUR) for n in range(3)]
    with pytest.raises(TooManyActiveBookings):
        book(buyer, paris_11, seller, starts_at=SLOT + 4 * HOUR)

    booking_move_request(booking=bookings[0], buyer=buyer, station=paris_11, starts_at=SLOT + 5 * HOUR)

    assert Booking.objects.filter(buyer=buyer).count() == 4  # three bookings and one move
    assert [b.reference for b in buyer_bookings(buyer=buyer)] == [b.reference for b in reversed(bookings)]
    with pytest.raises(TooManyActiveBookings):  # still three, not four
        book(buyer, paris_11, seller, starts_at=SLOT + 4 * HOUR)


@override_settings(BOOKINGS_MAX_ACTIVE_PER_BUYER=1)
def test_a_buyer_at_the_limit_may_still_move(confirmed, buyer, paris_11):
    move = booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT)
    assert move.pk


def test_a_second_move_waits_for_the_first_answer(confirmed, buyer, paris_11):
    booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT)

    with pytest.raises(MoveAlreadyPending):
        booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT + HOUR)


def test_only_the_buyer_moves_their_booking_and_only_before_it(confirmed, other_buyer, buyer, paris_11):
    with pytest.raises(InvalidTransition):
        booking_move_request(booking=confirmed, buyer=other_buyer, station=paris_11, starts_at=NEW_SLOT)
    with time_machine.travel(SLOT + timedelta(minutes=5), tick=False), pytest.raises(InvalidTransition):
        booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT + 24 * HOUR)


def test_a_move_to_another_station(confirmed, buyer, paris_13, charter):
    factories.OfficerFactory  # noqa: B018 - paris_13's rooms need an officer on shift
    officer_13 = factories.OfficerFactory(station=paris_13)
    factories.ShiftFactory(officer=officer_13, starts_at=SLOT - 2 * HOUR, ends_at=SLOT + 8 * HOUR)

    booking_move_request(booking=confirmed, buyer=buyer, station=paris_13, starts_at=NEW_SLOT)
    moved = booking_move_accept(booking=confirmed, charter_version=charter)

    assert (moved.station, moved.officer, moved.starts_at) == (paris_13, officer_13, NEW_SLOT)


# --- the seller proposes other times, the buyer takes one --------------------------------------


def test_the_seller_proposes_up_to_three_times_and_the_buyer_takes_one(
    pending, buyer, charter, paris_11, django_capture_on_commit_callbacks
):
    proposals = [SLOT + 2 * HOUR, SLOT + 3 * HOUR, SLOT + 4 * HOUR]
    with django_capture_on_commit_callbacks(execute=True):
        booking_times_propose(booking=pending, starts=proposals, charter_version=charter)

    pending.refresh_from_db()
    assert (pending.status, pending.starts_at, len(pending.seller_proposals)) == (S.PENDING, SLOT, 3)
    assert mail.outbox[-1].to == [buyer.email]
    assert "12:00" in mail.outbox[-1].body and "14:00" in mail.outbox[-1].body

    taken = booking_proposal_take(booking=pending, buyer=buyer, key=pending.seller_proposals[1])

    assert (taken.status, taken.starts_at, taken.seller_proposals) == (S.CONFIRMED, SLOT + 3 * HOUR, [])
    assert kinds(taken) == [EventKind.TIMES_PROPOSED, EventKind.PROPOSAL_TAKEN]
    assert SLOT in free_starts(paris_11, SLOT.date())


def test_the_seller_answers_a_move_with_other_times(confirmed, buyer, charter, paris_11):
    booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT)

    booking_times_propose(booking=confirmed, starts=[SLOT + 5 * HOUR], charter_version=charter)

    assert not Booking.objects.filter(moves=confirmed).exists()  # the move is declined
    assert kinds(confirmed) == [EventKind.MOVE_REQUESTED, EventKind.MOVE_DECLINED, EventKind.TIMES_PROPOSED]


def test_four_proposals_or_none_are_refused(pending, charter):
    with pytest.raises(TooManyProposals):
        booking_times_propose(booking=pending, starts=[SLOT + n * HOUR for n in range(1, 5)], charter_version=charter)
    with pytest.raises(TooManyProposals):
        booking_times_propose(booking=pending, starts=[], charter_version=charter)


def test_a_proposal_taken_meanwhile_is_refused(pending, buyer, other_buyer, charter, seller):
    booking_times_propose(booking=pending, starts=[SLOT + 2 * HOUR], charter_version=charter)
    book(other_buyer, pending.station, seller, starts_at=SLOT + 2 * HOUR)

    pending.refresh_from_db()
    with pytest.raises(SlotUnavailable):
        booking_proposal_take(booking=pending, buyer=buyer, key=pending.seller_proposals[0])
    pending.refresh_from_db()
    assert (pending.status, pending.starts_at) == (S.PENDING, SLOT)


def test_only_a_proposed_time_can_be_taken(pending, buyer, other_buyer, charter):
    booking_times_propose(booking=pending, starts=[SLOT + 2 * HOUR], charter_version=charter)
    pending.refresh_from_db()

    with pytest.raises(ProposalUnavailable):
        booking_proposal_take(booking=pending, buyer=buyer, key="20260612T130000Z")
    with pytest.raises(ProposalUnavailable):
        booking_proposal_take(booking=pending, buyer=other_buyer, key=pending.seller_proposals[0])


def test_a_busy_time_cannot_be_proposed(pending, other_buyer, charter, seller):
    book(other_buyer, pending.station, seller, starts_at=SLOT + 2 * HOUR)

    with pytest.raises(ProposalUnavailable):
        booking_times_propose(booking=pending, starts=[SLOT + 2 * HOUR], charter_version=charter)


def test_now_is_pinned():
    assert timezone.now() == NOW


def test_a_moved_booking_is_reminded_again_for_its_new_time(confirmed, buyer, paris_11, charter):
    ReminderDelivery.objects.create(booking=confirmed, lead_minutes=24 * 60, party="buyer", queued_at=NOW, sent_at=NOW)
    booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT + 24 * HOUR)

    booking_move_accept(booking=confirmed, charter_version=charter)

    assert not ReminderDelivery.objects.filter(booking=confirmed).exists()


def test_moves_are_not_invitations_under_the_caps_per_recipient(confirmed, buyer, other_buyer, paris_11, seller):
    # Three invitations to one mailbox a day at most: two moves of a booking are not two more.
    booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT)
    booking_move_decline(booking=confirmed)
    booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=NEW_SLOT + HOUR)
    assert Booking.objects.filter(seller_email=seller["seller_email"]).count() == 2  # the booking and a move

    book(other_buyer, paris_11, seller, starts_at=SLOT + 5 * HOUR)
    booking = book(other_buyer, paris_11, seller, starts_at=SLOT + 6 * HOUR)

    assert booking.pk  # the third invitation of the day, moves not counted


def test_the_seller_answers_a_move_before_the_current_slot_is_near(confirmed, buyer, paris_11):
    move = booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=SLOT + 72 * HOUR)
    assert move.hold_expires_at == min(NOW + 24 * HOUR, SLOT - 2 * HOUR)

    # Two and a half hours before the current slot, a move could not be answered in time.
    move.delete()
    with time_machine.travel(SLOT - timedelta(hours=2, minutes=20), tick=False), pytest.raises(MoveTooLate):
        booking_move_request(booking=confirmed, buyer=buyer, station=paris_11, starts_at=SLOT + 72 * HOUR)


def test_a_pending_bookings_move_ends_by_its_own_hold(pending, buyer, paris_11):
    move = booking_move_request(booking=pending, buyer=buyer, station=paris_11, starts_at=SLOT + 72 * HOUR)
    assert move.hold_expires_at <= pending.hold_expires_at
