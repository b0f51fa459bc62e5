"""Signed links: one helper for the kinds the service emails.

A link names one booking and is signed for one purpose (its salt): an invitation's token
is no cancel token, and neither opens a rebooking. The seller's links also carry the
invitation's nonce, so a re-issued invitation kills the old ones; each kind then adds its
own rule of expiry (the hold deadline, the slot's start, fourteen days).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from .models import Booking


class InvalidLink(Exception):
    """Tampered, unknown, or signed for another purpose."""


class ExpiredLink(Exception):
    def __init__(self, booking):
        self.booking = booking


@dataclass(frozen=True)
class LinkPurpose:
    salt: str
    url_name: str
    # The seller's links die when the invitation is issued again (Booking.invite_nonce).
    carries_nonce: bool = True
    max_age: timedelta | None = None
    # The booking's field the nonce is read from: a move's link dies with its move (Booking.move_nonce).
    nonce_field: str = "invite_nonce"


SELLER_INVITE = LinkPurpose("bookings.seller-invite", "bookings:seller-invite")
# The reminder's cancel link: another purpose, so an invite token is no cancel token.
SELLER_CANCEL = LinkPurpose("bookings.seller-cancel", "bookings:seller-cancel")
# The apology's priority rebooking link: the buyer's, checked against their account.
# The seller's answer to a reschedule: signed with the current move's nonce, so the link
# of a move answered (or replaced) opens nothing of the next one.
SELLER_MOVE = LinkPurpose("bookings.seller-move", "bookings:seller-move", nonce_field="move_nonce")
PRIORITY_REBOOKING = LinkPurpose(
    "bookings.priority-rebook", "bookings:rebook", carries_nonce=False, max_age=timedelta(days=14)
)

SELLER_INVITE_SALT = SELLER_INVITE.salt
SELLER_CANCEL_SALT = SELLER_CANCEL.salt


def link_token(purpose: LinkPurpose, booking: Booking) -> str:
    nonce = getattr(booking, purpose.nonce_field)
    payload = {"b": booking.pk, "n": nonce} if purpose.carries_nonce else {"b": booking.pk}
    return signing.dumps(payload, salt=purpose.salt, compress=True)


def link_path(purpose: LinkPurpose, booking: Booking) -> str:
    return reverse(purpose.url_name, kwargs={"token": link_token(purpose, booking)})


def booking_from_link(purpose: LinkPurpose, token: str, bookings: QuerySet | None = None) -> Booking:
    """The booking among `bookings` a token of this purpose names; InvalidLink otherwise."""
    try:
        payload = signing.loads(token, salt=purpose.salt, max_age=purpose.max_age)
        booking = (Booking.objects.all() if bookings is None else bookings).get(pk=payload["b"])
    except (signing.BadSignature, Booking.DoesNotExist, KeyError, TypeError, ValueError):
        raise InvalidLink from None
    nonce = getattr(booking, purpose.nonce_field) if purpose.carries_nonce else ""
    if purpose.carries_nonce and (not nonce or not signing.constant_time_compare(nonce, str(payload.get("n", "")))):
        raise InvalidLink
    return booking


def seller_token(booking: Booking) -> str:
    return link_token(SELLER_INVITE, booking)


def seller_invite_path(booking: Booking) -> str:
    return link_path(SELLER_INVITE, booking)


def booking_from_seller_token(token: str, *, now=None) -> Booking:
    """The booking an invitation names. Raises InvalidLink or ExpiredLink; an answered booking is returned as is."""
    booking = booking_from_link(SELLER_INVITE, token, Booking.objects.select_related("station", "space", "buyer"))
    if booking.hold_expires_at <= (now or timezone.now()) and booking.seller_answered_at is None:
        raise ExpiredLink(booking)
    return booking


def seller_cancel_token(booking: Booking) -> str:
    return link_token(SELLER_CANCEL, booking)


def seller_cancel_path(booking: Booking) -> str:
    return link_path(SELLER_CANCEL, booking)


def booking_from_seller_cancel_token(token: str, *, now=None) -> Booking:
    """The booking a cancel link names. Raises InvalidLink, or ExpiredLink once the slot has started.

    A booking no longer confirmed is returned as is: the page then only says so,
    so a link used once cannot act again.
    """
    booking = booking_from_link(SELLER_CANCEL, token, Booking.objects.select_related("station", "space"))
    if booking.starts_at <= (now or timezone.now()):
        raise ExpiredLink(booking)
    return booking


def seller_move_path(booking: Booking) -> str:
    return link_path(SELLER_MOVE, booking)


def booking_from_seller_move_token(token: str, *, now=None) -> Booking:
    """The booking a move link names (the booking moved, not the move row). Raises InvalidLink.

    Never ExpiredLink: the page says whether the move still waits, was answered or lapsed
    (bookings.views.seller_move), and a GET changes nothing.
    """
    return booking_from_link(SELLER_MOVE, token, Booking.objects.select_related("station", "space", "buyer"))
