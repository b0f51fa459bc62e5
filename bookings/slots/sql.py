"""SQL shared by the slot engine's loader and the one-slot check: written once, run without the ORM.

The engine's inputs and the one-slot check are read on every slot page and every
booking; the ORM's cost of building such queries (subqueries, OR-ed conditions) was
most of their time, several times what the database spent. So both are plain SQL
statements, put together here from constant fragments (no value is ever formatted
into them: every value is a query parameter), portable between PostgreSQL and SQLite.
"""

import itertools
import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache

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


def fetch(sql: str, params: dict, *, prepared_as: str | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        execute(cursor, sql, params, prepared_as=prepared_as)
        return cursor.fetchall()


def execute(cursor, sql: str, params: dict, *, prepared_as: str | None = None) -> None:
    """Run `sql`; on PostgreSQL with `prepared_as`, as a statement prepared once per connection.

    The booking's statements under its locks are large (the one-slot check has a dozen
    subqueries): PostgreSQL spent longer planning the check (2 to 4 ms) than running it,
    on every booking and under the station's lock. Prepared, it is planned for the first
    executions and then, as PostgreSQL judges best, runs a kept plan. The PREPARE goes in
    the same round trip as the first EXECUTE, so the statement count does not change
    (tests/bookings/test_booking_query_budget.py). A prepared statement outlives a rolled
    back transaction; each PREPARE takes a fresh name, so one that failed half-way (the
    EXECUTE raised) is never prepared twice under the same name.
    """
    if prepared_as is None or connection.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    body, arguments = _positional(sql)
    names = _prepared_names()
    name = names.get(prepared_as)
    if name is not None:
        cursor.execute(f"EXECUTE {name}({arguments})", params)
        return
    name = f"{prepared_as}_{next(_prepare_numbers)}"
    cursor.execute(f"PREPARE {name} AS {body}; EXECUTE {name}({arguments})", params)
    names[prepared_as] = name


_prepare_numbers = itertools.count(1)
_NAMED_PARAMETER = re.compile(r"%\((\w+)\)s")


@lru_cache(maxsize=32)
def _positional(sql: str) -> tuple[str, str]:
    """The statement with $1, $2... for its named parameters, and the EXECUTE's arguments in that order."""
    order: dict[str, int] = {}

    def number(match: re.Match) -> str:
        return f"${order.setdefault(match.group(1), len(order) + 1)}"

    body = _NAMED_PARAMETER.sub(number, sql)
    return body, ", ".join(f"%({name})s" for name in order)


def _prepared_names() -> dict[str, str]:
    """The statements prepared on this thread's database connection (a new connection has none)."""
    raw = connection.connection
    kept = getattr(connection, "_prepared_statements", None)
    if kept is None or kept[0] is not raw:
        kept = (raw, {})
        setattr(connection, "_prepared_statements", kept)  # noqa: B010 - not an attribute Django declares
    return kept[1]
