"""The slot engine's inputs for one station and space kind, in one SQL statement.

One UNION ALL of typed rows (the column `k` says which): the opening hours, the
closures in the window, the active spaces of the kind in the order they are offered
(a bookable kind only: a safe exchange zone is never loaded as a space to book),
and for rooms the shifts of active officers around the window with their absences;
then the bookings that hold a space of the kind ('r' rows for those held back, 'b' the
others), over the window stretched to whole shifts (the per-shift cap counts every
booking of a shift). A booking's row also tells when it stops holding by the clock
alone (a pending hold's deadline, the last freeing of a booking held back) and, when
held back, whose it is: what the slot cache (bookings.slots.cache) needs to know how
long an answer stays right, and for whom.
"""

from dataclasses import dataclass, field
from datetime import datetime, time
from functools import cache, partial
from itertools import groupby
from operator import is_not, itemgetter, lt

from django.db import connection

from stations.models import BOOKABLE_SPACE_KINDS, SpaceKind, Station

from .engine import MICROSECOND, Opening, from_micros, to_micros
from .holdback import holdback
from .sql import HOLDING, as_parameter, fetch, holding_params, micros_sql

# The shifts are read once, for their rows and for their span (a CTE named twice is computed once).
_SHIFTS = """shifts AS (
    SELECT sh.officer_id, o.badge_number, sh.starts_at, sh.ends_at
    FROM stations_shift sh JOIN stations_officer o ON o.id = sh.officer_id
    WHERE %(kind)s = %(room)s AND o.station_id = %(station)s AND o.is_active
        AND sh.starts_at < %(until)s AND sh.ends_at > %(from)s
), span AS (SELECT MIN(starts_at) AS lo, MAX(ends_at) AS hi FROM shifts)"""

# Bookings over [from, until], stretched to the shifts' span for rooms.
_BOOKINGS_FROM = "CASE WHEN span.lo IS NOT NULL AND span.lo < %(from)s THEN span.lo ELSE %(from)s END"
_BOOKINGS_UNTIL = "CASE WHEN span.hi IS NOT NULL AND span.hi > %(until)s THEN span.hi ELSE %(until)s END"

# The first, empty branch only gives every column its type (PostgreSQL types a UNION by
# its branches in order, and an untyped NULL first would make a column text). Timestamps
# come as integer microseconds ({t}: sql.micros_sql), the rows being read by the thousand.
_INPUTS = f"""
WITH {_SHIFTS}
SELECT 'k' AS k, CAST(0 AS BIGINT) AS n1, CAST(0 AS BIGINT) AS n2, CAST(0 AS BIGINT) AS n3,
    CAST(0 AS BIGINT) AS n4, CAST('' AS TEXT) AS s1, CAST('' AS TEXT) AS s2,
    CAST(0 AS BIGINT) AS t1, CAST(0 AS BIGINT) AS t2, CAST(0 AS BIGINT) AS t3
FROM stations_closure c WHERE 1 = 0
UNION ALL
SELECT 'h', oh.weekday, NULL, NULL, NULL, CAST(oh.opens_at AS TEXT), CAST(oh.closes_at AS TEXT), NULL, NULL, NULL
FROM stations_openinghours oh WHERE oh.station_id = %(station)s
UNION ALL
SELECT 'c', NULL, NULL, NULL, NULL, NULL, NULL, {{t[c.starts_at]}}, {{t[c.ends_at]}}, NULL
FROM stations_closure c WHERE c.station_id = %(station)s AND c.starts_at < %(until)s AND c.ends_at > %(from)s
UNION ALL
SELECT 's', sp.id, ROW_NUMBER() OVER (ORDER BY sp.name), NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM stations_space sp WHERE sp.station_id = %(station)s AND sp.kind = %(kind)s AND sp.is_active
UNION ALL
SELECT 'f', shifts.officer_id, NULL, NULL, NULL, shifts.badge_number, NULL,
    {{t[shifts.starts_at]}}, {{t[shifts.ends_at]}}, NULL
FROM shifts
UNION ALL
SELECT 'a', a.officer_id, NULL, NULL, NULL, NULL, NULL, {{t[a.starts_at]}}, {{t[a.ends_at]}}, NULL
FROM stations_officerabsence a JOIN stations_officer o ON o.id = a.officer_id, span
WHERE %(kind)s = %(room)s AND o.station_id = %(station)s
    AND a.starts_at < {_BOOKINGS_UNTIL} AND a.ends_at > {_BOOKINGS_FROM}
UNION ALL
SELECT CASE WHEN b.status IN (%(cancelled)s, %(declined)s) THEN 'r' ELSE 'b' END, b.id, b.space_id, b.officer_id,
    CASE WHEN b.status IN (%(cancelled)s, %(declined)s) THEN COALESCE(b.buyer_id, 0) END,
    NULL, NULL, {{t[b.starts_at]}}, {{t[b.ends_at]}},
    CASE WHEN b.status = %(pending)s THEN {{t[b.hold_expires_at]}}
        WHEN b.status IN (%(cancelled)s, %(declined)s) THEN (SELECT {{t[MAX(ev.at)]}} FROM bookings_bookingevent ev
            WHERE ev.booking_id = b.id AND ev.actor_role IN (%(role_buyer)s, %(role_seller)s)
            AND ev.to_status IN (%(cancelled)s, %(declined)s) AND ev.at <= %(now)s)
    END
FROM bookings_booking b JOIN stations_space bs ON bs.id = b.space_id, span
WHERE b.station_id = %(station)s AND bs.kind = %(kind)s
    AND b.starts_at < (CASE WHEN %(kind)s = %(room)s THEN {_BOOKINGS_UNTIL} ELSE %(until)s END)
    AND b.ends_at > (CASE WHEN %(kind)s = %(room)s THEN {_BOOKINGS_FROM} ELSE %(from)s END)
    AND {HOLDING.format(b="b")}
"""  # noqa: S608


class _Micros:
    """t[column] in the statement above: that timestamp column as integer microseconds, in the vendor's SQL."""

    def __init__(self, vendor: str):
        self.vendor = vendor

    def __getitem__(self, column: str) -> str:
        return micros_sql(column, self.vendor)


@cache
def _inputs_sql(vendor: str) -> str:
    return _INPUTS.format(t=_Micros(vendor))


@dataclass
class EngineInputs:
    """The engine's inputs. The times of shifts, absences and bookings are integer microseconds since
    the epoch (sql.to_micros), as the roster and the grid take them (engine.free_slots, `micros`)."""

    openings: list[Opening] = field(default_factory=list)
    closures: list[tuple[datetime, datetime]] = field(default_factory=list)
    space_ids: tuple[int, ...] = ()
    shifts: list[tuple] = field(default_factory=list)  # (officer id, badge, starts_at, ends_at)
    absences: list[tuple] = field(default_factory=list)  # (officer id, starts_at, ends_at)
    holdings: list[tuple] = field(default_factory=list)  # (space id, starts_at, ends_at)
    room_bookings: list[tuple] = field(default_factory=list)  # (booking id, officer id, starts_at, ends_at)
    # The first instant after `now` at which a booking stops holding by the clock alone, if any.
    changes_at: datetime | None = None
    # The buyers whose bookings are held back: for them alone, those bookings hold nothing.
    held_back_buyers: frozenset[int] = frozenset()


# The columns each kind of row keeps, picked in C (itemgetter) rather than unpacked row by row in Python.
_SHIFT = itemgetter(1, 5, 7, 8)
_ABSENCE = itemgetter(1, 7, 8)
_HOLDING = itemgetter(2, 7, 8)
_ROOM_BOOKING = itemgetter(1, 3, 7, 8)


def engine_inputs(
    *,
    station: Station,
    kind: str,
    window_start: datetime,
    window_end: datetime,
    now: datetime,
    buyer,
    with_holdback: bool,
) -> EngineInputs:
    """Everything the engine needs about the station over the window, in one query."""
    if kind not in BOOKABLE_SPACE_KINDS:
        raise ValueError(f"{kind!r} is not a bookable kind of space")
    params = {
        **holding_params(now=now, buyer=buyer, with_holdback=with_holdback),
        "station": station.pk,
        "kind": kind,
        "room": SpaceKind.ROOM,
        "from": as_parameter(window_start),
        "until": as_parameter(window_end),
    }
    rows = fetch(_inputs_sql(connection.vendor), params, prepared_as="sx_engine_inputs")
    # The rows of each kind together, in the order read (a stable sort; the branches of the
    # UNION usually come one after the other already, and then it costs one pass).
    rows.sort(key=itemgetter(0))
    by_kind = {k: list(group) for k, group in groupby(rows, itemgetter(0))}
    inputs = EngineInputs()
    inputs.openings = [
        Opening(row[1], time.fromisoformat(row[5]), time.fromisoformat(row[6])) for row in by_kind.get("h", ())
    ]
    inputs.closures = [(from_micros(row[7]), from_micros(row[8])) for row in by_kind.get("c", ())]
    inputs.space_ids = tuple(row[1] for row in sorted(by_kind.get("s", ()), key=itemgetter(2)))
    inputs.shifts = list(map(_SHIFT, by_kind.get("f", ())))
    inputs.absences = list(map(_ABSENCE, by_kind.get("a", ())))
    holding, held_back = by_kind.get("b", []), by_kind.get("r", [])
    inputs.holdings = [*map(_HOLDING, holding), *map(_HOLDING, held_back)]
    if kind == SpaceKind.ROOM:
        inputs.room_bookings = [*map(_ROOM_BOOKING, holding), *map(_ROOM_BOOKING, held_back)]
    inputs.changes_at, inputs.held_back_buyers = _holding_ends(holding, held_back, now)
    return inputs


def _holding_ends(holding: list[tuple], held_back: list[tuple], now: datetime) -> tuple[datetime | None, frozenset]:
    """The first instant after `now` at which a booking stops holding by the clock alone, and the buyers whose
    bookings are held back: from the rows of the bookings that hold (a pending one's deadline in its last column)
    and of those held back (their buyer, 0 for none, and their last freeing)."""
    after_now = partial(lt, to_micros(now))
    # Pending: until its deadline (in C: thousands of rows). Held back: until the hold-back after its freeing.
    deadlines = filter(after_now, filter(partial(is_not, None), map(itemgetter(9), holding)))
    held_back_for = holdback() // MICROSECOND
    releases = [row[9] + held_back_for for row in held_back if row[9] is not None]
    first = min(filter(after_now, releases), default=None)
    first_deadline = min(deadlines, default=None)
    if first is None or first_deadline is not None and first_deadline < first:
        first = first_deadline
    return (None if first is None else from_micros(first)), frozenset(row[4] for row in held_back)
