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
recipient, a lock of its own), so concurrent requests cannot go past a cap; the
wizard's seller step checks early, so the buyer learns it before the last step.
"""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import formats, timezone

from accounts.emails import email_canonical, email_domain_spellings, email_same_mailbox

from .exceptions import SellerInvitedTooOften, TooManyInvitations
from .models import Booking

WINDOW = timedelta(hours=24)


def seller_is_buyer(*, buyer, seller_email: str) -> bool:
    """The seller's address is a spelling of the buyer's own mailbox (`Me+shop@Example.org`)."""
    return email_same_mailbox(seller_email, buyer.email)


def invitation_quota_check(
    *, buyer, seller_email: str, now: datetime, zone, rebooked_from: Booking | None = None, lock: bool = False
) -> None:
    """Raise TooManyInvitations or SellerInvitedTooOften when this invitation would go past a cap.

    `lock`: inside booking_create's transaction, also serialise invitations to this
    recipient (the buyer's row lock already serialises the buyer's own).
    """
    if _is_same_seller_rebooking(seller_email=seller_email, rebooked_from=rebooked_from):
        # A priority rebooking after the station cancelled (closure, pressure)
        # re-invites the same seller to the same sale: the station caused it, the
        # signed link works once per cancelled booking, and the cancelled booking
        # was counted already. Counting it again would cost the buyer (and the
        # seller) the rebooking the apology promised; it is neither checked nor
        # counted. A rebooking that names another seller is an ordinary invitation.
        return
    since = now - WINDOW
    limit = settings.BOOKINGS_INVITATIONS_PER_BUYER_PER_DAY
    sent = _counted(Booking.objects.filter(buyer=buyer, created_at__gt=since))
    if len(sent) >= limit:
        raise TooManyInvitations(TooManyInvitations.message % {"limit": limit, "when": _again_from(sent, limit, zone)})
    key = _mailbox_key(seller_email)
    if lock:
        _lock_recipient(key)
    limit = settings.BOOKINGS_INVITATIONS_PER_RECIPIENT_PER_DAY
    received = _counted(_recent_to_domain(seller_email, since=since), recipient_key=key)
    if len(received) >= limit:
        raise SellerInvitedTooOften(
            SellerInvitedTooOften.message % {"limit": limit, "when": _again_from(received, limit, zone)}
        )


def _mailbox_key(address: str) -> str:
    # The form's EmailField let the address through; should email_canonical not
    # read it, the address itself still counts, case aside.
    return email_canonical(address) or address.strip().casefold()


def _is_same_seller_rebooking(*, seller_email: str, rebooked_from: Booking | None) -> bool:
    return rebooked_from is not None and _mailbox_key(seller_email) == _mailbox_key(rebooked_from.seller_email)


def _recent_to_domain(seller_email: str, *, since: datetime):
    """Bookings created since `since` whose seller's address is at the recipient's domain.

    The domain narrows the rows in SQL; the mailbox comparison itself is Python's
    (email_canonical), so that it is the one function everywhere. (SQLite's LIKE
    folds ASCII case only: a Unicode domain typed in capitals escapes the narrowing
    there, in development; PostgreSQL's UPPER folds it.)
    """
    recent = Booking.objects.filter(created_at__gt=since)
    spellings = email_domain_spellings(seller_email)
    if not spellings:
        return recent
    at_domain = Q()
    for domain in spellings:
        at_domain |= Q(seller_email__iendswith=f"@{domain}")
    return recent.filter(at_domain)


def _counted(bookings, *, recipient_key: str | None = None) -> list[datetime]:
    """Creation times of the invitations among `bookings` (to `recipient_key` if given), oldest first."""
    rows = bookings.order_by("created_at").values_list("created_at", "seller_email", "rebooked_from__seller_email")
    return [
        created_at
        for created_at, seller_email, cancelled_seller_email in rows
        if (recipient_key is None or _mailbox_key(seller_email) == recipient_key)
        and not (cancelled_seller_email and _mailbox_key(seller_email) == _mailbox_key(cancelled_seller_email))
    ]


def _again_from(sent: list[datetime], limit: int, zone) -> str:
    """When the window holds one invitation fewer than the cap: the oldest that must leave it, plus 24 hours."""
    moment = sent[len(sent) - limit] + WINDOW
    # In the active language (the buyer's) and the station's wall-clock time.
    return formats.date_format(timezone.localtime(moment, zone), "DATETIME_FORMAT")


def _lock_recipient(key: str) -> None:
    """Serialise invitations to one mailbox until the transaction ends.

    Two buyers inviting the same address hold different buyer locks (and maybe
    different stations'), so without this both could count 2 of 3 and both
    insert. PostgreSQL's transaction-scoped advisory lock needs no table; it is
    taken after the buyer's and the station's locks, in that order, and a
    transaction takes one, so it cannot deadlock with them. SQLite (development)
    runs one writing transaction at a time anyway.
    """
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8, person=b"sx-invite").digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])
