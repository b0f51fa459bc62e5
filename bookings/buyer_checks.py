"""What booking_create checks about the buyer, under the buyer's lock, in two statements.

1. The lock: the buyer's row (the limit of active bookings and the invitation cap
   hold across stations) and, on PostgreSQL, an advisory lock on the seller's mailbox
   (the cap per recipient holds across buyers), taken together in one SELECT. Every
   transaction that takes both takes them in this one statement, before any station's
   lock, so the three kinds of lock are always taken in the same order.
2. The rows: the buyer's bookings that still count (active, invited in the last 24
   hours, no-shows that can ban) and those that invited the seller's mailbox, with the
   buyer's last ban lift (plain SQL, bookings.slots.sql); the rules then run in Python: the no-show ban
   (bookings.abuse), the limit of active bookings, the invitation caps
   (bookings.invitations).

After the lock, the second statement reads with a snapshot taken after every
concurrent booking of this buyer (or to this recipient) committed: READ COMMITTED
takes one per statement, which is why the lock and the read are two.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import TextField
from django.db.models.expressions import RawSQL

from stations.models import Station

from .abuse import BUYER_ABSENT, ban_error, ban_until_from, ban_window_start
from .exceptions import TooManyActiveBookings
from .invitations import (
    WINDOW,
    counted_invitations,
    invitation_caps_check,
    is_same_seller_rebooking,
    mailbox_key,
    recipient_lock_id,
)
from .models import Booking, BookingStatus, NoShowParty
from .slots.sql import HOLDING, as_aware, as_datetime, as_parameter, fetch, holding_params

# The buyer's bookings that still count (invited in the last 24 hours, active, or a
# no-show that can ban) and the bookings that invited the same mailbox in the last 24
# hours, each with the seller of the booking it rebooks; the buyer's last ban lift on
# every row. A proposed move (bookings.reschedule) is none of these: it moves a booking
# that counts already, and invites nobody new. An active booking is one that holds its
# slot and is not over (one whose slot is over stays confirmed until staff record an
# outcome, and must not lock the buyer out).
_ACTIVE = f"({HOLDING.format(b='b')} AND b.ends_at > %(now)s)"
_BUYER_ROWS = f"""
SELECT b.buyer_id, {_ACTIVE} AS is_active, b.status, b.no_show_party, b.starts_at, b.created_at,
    b.seller_email, rb.seller_email,
    (SELECT MAX(l.lifted_at) FROM bookings_bookingbanlift l WHERE l.buyer_id = %(buyer)s) AS last_lift
FROM bookings_booking b LEFT JOIN bookings_booking rb ON rb.id = b.rebooked_from_id
WHERE b.moves_id IS NULL AND ((b.buyer_id = %(buyer)s AND (
        b.created_at > %(since)s
        OR {_ACTIVE}
        OR (b.status = %(no_show)s AND b.no_show_party IN (%(absent_buyer)s, %(absent_both)s)
            AND b.starts_at > %(ban_from)s)))
    OR (b.seller_mailbox = %(mailbox)s AND b.created_at > %(since)s))
"""  # noqa: S608


def buyer_lock(*, buyer, seller_email: str | None) -> None:
    """Lock the buyer's row and, on PostgreSQL, the seller's mailbox until the transaction ends."""
    users = get_user_model().objects.select_for_update().filter(pk=buyer.pk)
    columns = ["pk"]
    if seller_email is not None and connection.vendor == "postgresql":
        # SQLite (development) runs one writing transaction at a time anyway.
        users = users.annotate(
            mailbox_lock=RawSQL("pg_advisory_xact_lock(%s)::text", (recipient_lock_id(seller_email),), TextField())
        )
        columns.append("mailbox_lock")  # selected, or the lock is never taken
    users.values_list(*columns).first()


def buyer_checks(
    *, buyer, seller_email: str, station: Station, now: datetime, rebooked_from: Booking | None = None
) -> None:
    """Raise BookingBanned, TooManyActiveBookings, TooManyInvitations or SellerInvitedTooOften. One query.

    Call under buyer_lock(). A priority rebooking of the same seller is neither checked
    against the invitation caps nor counted (bookings.invitations).
    """
    since = now - WINDOW
    counts_invitation = not is_same_seller_rebooking(seller_email=seller_email, rebooked_from=rebooked_from)
    mailbox = mailbox_key(seller_email)
    params = {
        **holding_params(now=now, buyer=buyer, with_holdback=False),
        "buyer": buyer.pk,
        "since": as_parameter(since),
        "ban_from": as_parameter(ban_window_start(now)),
        "no_show": BookingStatus.NO_SHOW,
        "absent_buyer": NoShowParty.BUYER,
        "absent_both": NoShowParty.BOTH,
        "mailbox": mailbox,
    }
    by_buyer, to_recipient, no_show_starts, active_count, lifted_at = [], [], [], 0, None
    for buyer_id, is_active, status, party, starts, created, email, rebooked_email, last_lift in fetch(
        _BUYER_ROWS, params, prepared_as="sx_buyer_rows"
    ):
        created_at = as_aware(created)
        invitation = (created_at, email, rebooked_email)
        if buyer_id == buyer.pk:
            lifted_at = as_datetime(last_lift)
            active_count += bool(is_active)
            if status == BookingStatus.NO_SHOW and party in BUYER_ABSENT:
                no_show_starts.append(as_aware(starts))
            if created_at > since:
                by_buyer.append(invitation)
        if created_at > since and mailbox_key(email) == mailbox:
            to_recipient.append(invitation)
    banned = ban_error(ban_until_from(no_show_starts, lifted_at=lifted_at, now=now), station.zone)
    if banned is not None:
        raise banned
    limit = settings.BOOKINGS_MAX_ACTIVE_PER_BUYER
    if active_count >= limit:
        raise TooManyActiveBookings(TooManyActiveBookings.message % {"limit": limit})
    if counts_invitation:
        invitation_caps_check(
            sent_by_buyer=counted_invitations(by_buyer),
            sent_to_recipient=counted_invitations(to_recipient),
            zone=station.zone,
        )


def active_bookings_count(*, buyer, now: datetime) -> int:
    """The buyer's bookings that count against the limit (as buyer_checks counts them): the wizard's first step."""
    return Booking.objects.active(now).filter(buyer=buyer, ends_at__gt=now, moves__isnull=True).count()


def active_bookings_limit_error(*, buyer, now: datetime) -> TooManyActiveBookings | None:
    """The error booking_create would raise for the limit of active bookings, told before the wizard starts."""
    limit = settings.BOOKINGS_MAX_ACTIVE_PER_BUYER
    if active_bookings_count(buyer=buyer, now=now) >= limit:
        return TooManyActiveBookings(TooManyActiveBookings.message % {"limit": limit})
    return None
