"""The seller's signed link: one purpose, one booking, valid until the hold deadline."""

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .models import Booking

SELLER_INVITE_SALT = "bookings.seller-invite"
# The reminder's cancel link: another purpose, so an invite token is no cancel token.
SELLER_CANCEL_SALT = "bookings.seller-cancel"


class InvalidLink(Exception):
    """Tampered, unknown, or signed for another purpose."""


class ExpiredLink(Exception):
    def __init__(self, booking):
        self.booking = booking


def seller_token(booking: Booking) -> str:
    return signing.dumps({"b": booking.pk, "n": booking.invite_nonce}, salt=SELLER_INVITE_SALT, compress=True)


def seller_invite_path(booking: Booking) -> str:
    return reverse("bookings:seller-invite", kwargs={"token": seller_token(booking)})


def booking_from_seller_token(token: str, *, now=None) -> Booking:
    """The booking a link names. Raises InvalidLink or ExpiredLink; an answered booking is returned as is."""
    try:
        payload = signing.loads(token, salt=SELLER_INVITE_SALT)
        booking = Booking.objects.select_related("station", "space", "buyer").get(pk=payload["b"])
    except (signing.BadSignature, Booking.DoesNotExist, KeyError, TypeError):
        raise InvalidLink from None
    if not signing.constant_time_compare(booking.invite_nonce, str(payload.get("n", ""))):
        raise InvalidLink
    if booking.hold_expires_at <= (now or timezone.now()) and booking.seller_answered_at is None:
        raise ExpiredLink(booking)
    return booking


def seller_cancel_token(booking: Booking) -> str:
    return signing.dumps({"b": booking.pk, "n": booking.invite_nonce}, salt=SELLER_CANCEL_SALT, compress=True)


def seller_cancel_path(booking: Booking) -> str:
    return reverse("bookings:seller-cancel", kwargs={"token": seller_cancel_token(booking)})


def booking_from_seller_cancel_token(token: str, *, now=None) -> Booking:
    """The booking a cancel link names. Raises InvalidLink, or ExpiredLink once the slot has started.

    A booking no longer confirmed is returned as is: the page then only says so,
    so a link used once cannot act again.
    """
    try:
        payload = signing.loads(token, salt=SELLER_CANCEL_SALT)
        booking = Booking.objects.select_related("station", "space").get(pk=payload["b"])
    except (signing.BadSignature, Booking.DoesNotExist, KeyError, TypeError):
        raise InvalidLink from None
    if not signing.constant_time_compare(booking.invite_nonce, str(payload.get("n", ""))):
        raise InvalidLink
    if booking.starts_at <= (now or timezone.now()):
        raise ExpiredLink(booking)
    return booking
