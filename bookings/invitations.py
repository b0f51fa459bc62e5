"""Invitations are not a mail relay: a cap per buyer, a cap per recipient, and no self-invitation.

Each booking emails its seller an invitation in the service's name, carrying text
the buyer wrote (defanged: bookings.mailtext). Without limits, book-then-cancel
would send one to any address every few seconds. So, over a rolling 24 hours:

- a buyer invites at most settings.BOOKINGS_INVITATIONS_PER_BUYER_PER_DAY times;
- one mailbox is invited at most settings.BOOKINGS_INVITATIONS_PER_RECIPIENT_PER_DAY
  times, by all buyers together. Mailboxes, not strings, are compared
  (accounts.emails.email_canonical: case, +tag, Gmail's dots).

Both count the bookings created, whatever became of them since: cancelling gives
no invitation back. booking_create checks under its buyer row lock (and, for the
recipient, a lock of its own: recipient_lock_id), so concurrent requests cannot go past a cap; the
wizard's seller step checks early, so the buyer learns it before the last step.
booking_create reads both counts in one statement under its locks (bookings.buyer_checks).
"""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import formats, timezone

from accounts.emails import email_mailbox_key, email_same_mailbox

from .exceptions import SellerInvitedTooOften, TooManyInvitations
from .models import Booking

WINDOW = timedelta(hours=24)


def seller_is_buyer(*, buyer, seller_email: str) -> bool:
    """The seller's address is a spelling of the buyer's own mailbox (`Me+shop@Example.org`)."""
    return email_same_mailbox(seller_email, buyer.email)


def invitation_quota_check(
    *, buyer, seller_email: str, now: datetime, zone, rebooked_from: Booking | None = None
) -> None:
    """Raise TooManyInvitations or SellerInvitedTooOften when this invitation would go past a cap.

    The wizard's early check; booking_create checks again under its locks (bookings.buyer_checks).
    """
    if is_same_seller_rebooking(seller_email=seller_email, rebooked_from=rebooked_from):
        # A priority rebooking after the station cancelled (closure, pressure)
        # re-invites the same seller to the same sale: the station caused it, the
        # signed link works once per cancelled booking, and the cancelled booking
        # was counted already. Counting it again would cost the buyer (and the
        # seller) the rebooking the apology promised; it is neither checked nor
        # counted. A rebooking that names another seller is an ordinary invitation.
        return
    since = now - WINDOW
    sent = _counted(Booking.objects.filter(buyer=buyer, created_at__gt=since))
    invitation_caps_check(sent_by_buyer=sent, zone=zone)
    received = _counted(recent_to_mailbox(seller_email, since=since))
    invitation_caps_check(sent_to_recipient=received, zone=zone)


def invitation_caps_check(*, sent_by_buyer: list[datetime] = (), sent_to_recipient: list[datetime] = (), zone) -> None:
    """Raise when the buyer's invitations, or the recipient's, of the last 24 hours (oldest first) reach a cap."""
    limit = settings.BOOKINGS_INVITATIONS_PER_BUYER_PER_DAY
    if len(sent_by_buyer) >= limit:
        raise TooManyInvitations(
            TooManyInvitations.message % {"limit": limit, "when": _again_from(sent_by_buyer, limit, zone)}
        )
    limit = settings.BOOKINGS_INVITATIONS_PER_RECIPIENT_PER_DAY
    if len(sent_to_recipient) >= limit:
        raise SellerInvitedTooOften(
            SellerInvitedTooOften.message % {"limit": limit, "when": _again_from(sent_to_recipient, limit, zone)}
        )


def mailbox_key(address: str) -> str:
    return email_mailbox_key(address)


def is_same_seller_rebooking(*, seller_email: str, rebooked_from: Booking | None) -> bool:
    return rebooked_from is not None and mailbox_key(seller_email) == mailbox_key(rebooked_from.seller_email)


def recent_to_mailbox(seller_email: str, *, since: datetime):
    """Bookings created since `since` that invited the same mailbox (Booking.seller_mailbox)."""
    return Booking.objects.filter(seller_mailbox=mailbox_key(seller_email), created_at__gt=since)


def _counted(bookings, *, recipient_key: str | None = None) -> list[datetime]:
    """Creation times of the invitations among `bookings` (to `recipient_key` if given), oldest first."""
    rows = bookings.values_list("created_at", "seller_email", "rebooked_from__seller_email")
    return counted_invitations(rows, recipient_key=recipient_key)


def counted_invitations(rows, *, recipient_key: str | None = None) -> list[datetime]:
    """From (created_at, seller_email, seller_email of the booking it rebooks) rows: the creation times
    of the invitations (to `recipient_key` if given), oldest first. A rebooking of the same seller
    after the station cancelled is no new invitation."""
    return sorted(
        created_at
        for created_at, seller_email, cancelled_seller_email in rows
        if (recipient_key is None or mailbox_key(seller_email) == recipient_key)
        and not (cancelled_seller_email and mailbox_key(seller_email) == mailbox_key(cancelled_seller_email))
    )


def _again_from(sent: list[datetime], limit: int, zone) -> str:
    """When the window holds one invitation fewer than the cap: the oldest that must leave it, plus 24 hours."""
    moment = sent[len(sent) - limit] + WINDOW
    # In the active language (the buyer's) and the station's wall-clock time.
    return formats.date_format(timezone.localtime(moment, zone), "DATETIME_FORMAT")


def recipient_lock_id(seller_email: str) -> int:
    """The PostgreSQL advisory lock that serialises invitations to one mailbox (bookings.buyer_checks).

    Two buyers inviting the same address hold different buyer locks (and maybe
    different stations'), so without it both could count 2 of 3 and both insert.
    """
    digest = hashlib.blake2b(
        mailbox_key(seller_email).encode("utf-8", "surrogatepass"), digest_size=8, person=b"sx-invite"
    ).digest()
    return int.from_bytes(digest, "big", signed=True)
