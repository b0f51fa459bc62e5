"""SQL shared by the slot engine's loader and the one-slot check: written once, run without the ORM.

The engine's inputs and the one-slot check are read on every slot page and every
booking; the ORM's cost of building such queries (subqueries, OR-ed conditions) was
most of their time, several times what the database spent. So both are plain SQL
statements, put together here from constant fragments (no value is ever formatted
into them: every value is a query parameter), portable between PostgreSQL and SQLite.
"""

from datetime import UTC, datetime, timedelta

from django.db import connection

from ..models import Actor, BookingStatus
from .holdback import holdback

# A booking row `{b}` that holds its space and officer now (Booking.objects.active() plus
# held_back_bookings()): confirmed or checked in, pending with its hold open, or freed by
# a party within the hold-back and not by this buyer.
HOLDING = """(
    {b}.status IN (%(confirmed)s, %(checked_in)s)
    OR ({b}.status = %(pending)s AND {b}.hold_expires_at > %(now)s)
    OR ({b}.status IN (%(cancelled)s, %(declined)s)
        AND ({b}.buyer_id IS NULL OR {b}.buyer_id <> %(buyer)s)
        AND EXISTS (SELECT 1 FROM bookings_bookingevent ev WHERE ev.booking_id = {b}.id
            AND ev.actor_role IN (%(role_buyer)s, %(role_seller)s) AND ev.to_status IN (%(cancelled)s, %(declined)s)
            AND ev.at > %(freed_since)s AND ev.at <= %(now)s))
)"""

# A row `{b}` overlapping [%(starts_at)s, %(ends_at)s).
OVERLAPS = "{b}.starts_at < %(ends_at)s AND {b}.ends_at > %(starts_at)s"


def holding_params(*, now: datetime, buyer, with_holdback: bool = True) -> dict:
    """The parameters HOLDING needs. Without the hold-back, no freed booking holds anything."""
    freed_since = now - holdback() if with_holdback and holdback() > timedelta(0) else now
    return {
        "now": as_parameter(now),
        "freed_since": as_parameter(freed_since),
        "buyer": getattr(buyer, "pk", None) or 0,
        "confirmed": BookingStatus.CONFIRMED,
        "checked_in": BookingStatus.CHECKED_IN,
        "pending": BookingStatus.PENDING,
        "cancelled": BookingStatus.CANCELLED,
        "declined": BookingStatus.DECLINED,
        "role_buyer": Actor.BUYER,
        "role_seller": Actor.SELLER,
    }


# A timestamp column as integer microseconds since the epoch, for the rows read in bulk: the
# database driver turns a timestamp into an aware datetime at a cost several times an
# integer's, and the engine compares integers faster too. PostgreSQL: date_part() gives the
# epoch in seconds as a double, which rounds back to the exact microsecond (whole seconds
# always; any microsecond until 2100 at least, checked over two million random instants),
# at under half the server's cost of EXTRACT's numeric. SQLite keeps UTC text
# "YYYY-MM-DD HH:MM:SS" with ".ffffff" when there are microseconds (Django's format): the
# whole seconds (of the first 19 characters: strftime rounds a fraction to the nearest
# second) plus those digits.
_MICROS = {
    "postgresql": "CAST(date_part('epoch', {column}) * 1000000 AS BIGINT)",
    "sqlite": (
        "(CAST(strftime('%%s', substr({column}, 1, 19)) AS INTEGER) * 1000000"
        " + CAST(substr({column} || '.000000', 21, 6) AS INTEGER))"
    ),
}


def micros_sql(column: str, vendor: str) -> str:
    """SQL for a timestamp column read as integer microseconds since the epoch (NULL stays NULL)."""
    return _MICROS[vendor].format(column=column)


def as_parameter(moment: datetime):
    return connection.ops.adapt_datetimefield_value(moment)


def as_datetime(value) -> datetime | None:
    """A timestamp read by plain SQL: aware already on PostgreSQL, text in UTC on SQLite."""
    if value is None or isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


def as_aware(value) -> datetime:
    """as_datetime() of a column that is never NULL."""
    moment = as_datetime(value)
    assert moment is not None, "a NOT NULL timestamp read as NULL"
    return moment


def fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
