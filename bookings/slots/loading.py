"""The slot engine's inputs for one station and space kind, in one SQL statement.

One UNION ALL of typed rows (the column `k` says which): the opening hours, the
closures in the window, the active spaces of the kind in the order they are offered
(a bookable kind only: a safe exchange zone is never loaded as a space to book),
and for rooms the shifts of active officers around the window with their absences;
then the bookings that hold a space of the kind, over the window stretched to whole
shifts (the per-shift cap counts every booking of a shift). A booking's row also tells
when it stops holding by the clock alone (a pending hold's deadline, the last freeing
of a booking held back) and, when held back, whose it is: what the slot cache
(bookings.slots.cache) needs to know how long an answer stays right, and for whom.
"""

from dataclasses import dataclass, field
from datetime import datetime, time

from django.db import connection

from stations.models import BOOKABLE_SPACE_KINDS, SpaceKind, Station

from .engine import Opening
from .holdback import holdback
from .sql import HOLDING, as_datetime, as_parameter, fetch, holding_params

_SPAN = """span AS (
    SELECT MIN(sh.starts_at) AS lo, MAX(sh.ends_at) AS hi
    FROM stations_shift sh JOIN stations_officer o ON o.id = sh.officer_id
    WHERE o.station_id = %(station)s AND o.is_active AND sh.starts_at < %(until)s AND sh.ends_at > %(from)s
)"""

# Bookings over [from, until], stretched to the shifts' span for rooms.
_BOOKINGS_FROM = "CASE WHEN span.lo IS NOT NULL AND span.lo < %(from)s THEN span.lo ELSE %(from)s END"
_BOOKINGS_UNTIL = "CASE WHEN span.hi IS NOT NULL AND span.hi > %(until)s THEN span.hi ELSE %(until)s END"

# The first, empty branch only gives every column its type (PostgreSQL types a UNION by
# its branches in order, and an untyped NULL first would make a column text).
_INPUTS = f"""
WITH {_SPAN}
SELECT 'k' AS k, CAST(0 AS BIGINT) AS n1, CAST(0 AS BIGINT) AS n2, CAST(0 AS BIGINT) AS n3,
    CAST(0 AS BIGINT) AS n4, CAST('' AS TEXT) AS s1, CAST('' AS TEXT) AS s2,
    c.starts_at AS t1, c.ends_at AS t2, c.ends_at AS t3
FROM stations_closure c WHERE 1 = 0
UNION ALL
SELECT 'h', oh.weekday, NULL, NULL, NULL, CAST(oh.opens_at AS TEXT), CAST(oh.closes_at AS TEXT), NULL, NULL, NULL
FROM stations_openinghours oh WHERE oh.station_id = %(station)s
UNION ALL
SELECT 'c', NULL, NULL, NULL, NULL, NULL, NULL, c.starts_at, c.ends_at, NULL
FROM stations_closure c WHERE c.station_id = %(station)s AND c.starts_at < %(until)s AND c.ends_at > %(from)s
UNION ALL
SELECT 's', sp.id, ROW_NUMBER() OVER (ORDER BY sp.name), NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM stations_space sp WHERE sp.station_id = %(station)s AND sp.kind = %(kind)s AND sp.is_active
UNION ALL
SELECT 'f', o.id, NULL, NULL, NULL, o.badge_number, NULL, sh.starts_at, sh.ends_at, NULL
FROM stations_shift sh JOIN stations_officer o ON o.id = sh.officer_id
WHERE %(kind)s = %(room)s AND o.station_id = %(station)s AND o.is_active
    AND sh.starts_at < %(until)s AND sh.ends_at > %(from)s
UNION ALL
SELECT 'a', a.officer_id, NULL, NULL, NULL, NULL, NULL, a.starts_at, a.ends_at, NULL
FROM stations_officerabsence a JOIN stations_officer o ON o.id = a.officer_id, span
WHERE %(kind)s = %(room)s AND o.station_id = %(station)s
    AND a.starts_at < {_BOOKINGS_UNTIL} AND a.ends_at > {_BOOKINGS_FROM}
UNION ALL
SELECT 'b', b.id, b.space_id, b.officer_id,
    CASE WHEN b.status IN (%(cancelled)s, %(declined)s) THEN COALESCE(b.buyer_id, 0) END,
    NULL, NULL, b.starts_at, b.ends_at,
    CASE WHEN b.status = %(pending)s THEN b.hold_expires_at
        WHEN b.status IN (%(cancelled)s, %(declined)s) THEN (SELECT MAX(ev.at) FROM bookings_bookingevent ev
            WHERE ev.booking_id = b.id AND ev.actor_role IN (%(role_buyer)s, %(role_seller)s)
            AND ev.to_status IN (%(cancelled)s, %(declined)s) AND ev.at <= %(now)s)
    END
FROM bookings_booking b JOIN stations_space bs ON bs.id = b.space_id, span
WHERE b.station_id = %(station)s AND bs.kind = %(kind)s
    AND b.starts_at < (CASE WHEN %(kind)s = %(room)s THEN {_BOOKINGS_UNTIL} ELSE %(until)s END)
    AND b.ends_at > (CASE WHEN %(kind)s = %(room)s THEN {_BOOKINGS_FROM} ELSE %(from)s END)
    AND {HOLDING.format(b="b")}
"""  # noqa: S608


@dataclass
class EngineInputs:
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
    inputs = EngineInputs()
    spaces = []
    rows = fetch(_INPUTS, params)
    if connection.vendor != "postgresql":  # SQLite hands timestamps back as text
        rows = [(*row[:7], as_datetime(row[7]), as_datetime(row[8]), as_datetime(row[9])) for row in rows]
    held = []
    for k, n1, n2, n3, n4, s1, s2, t1, t2, t3 in rows:
        if k == "b":
            inputs.holdings.append((n2, t1, t2))
            inputs.room_bookings.append((n1, n3, t1, t2))
            held.append((n4, t3))
        elif k == "f":
            inputs.shifts.append((n1, s1, t1, t2))
        elif k == "a":
            inputs.absences.append((n1, t1, t2))
        elif k == "s":
            spaces.append((n2, n1))
        elif k == "h":
            inputs.openings.append(Opening(n1, time.fromisoformat(s1), time.fromisoformat(s2)))
        elif k == "c":
            inputs.closures.append((t1, t2))
    inputs.changes_at, inputs.held_back_buyers = _holding_ends(held, now)
    inputs.space_ids = tuple(space_id for _rank, space_id in sorted(spaces))
    if kind != SpaceKind.ROOM:
        inputs.room_bookings = []
    return inputs


def _holding_ends(held: list[tuple], now: datetime) -> tuple[datetime | None, frozenset[int]]:
    """From the bookings' (held-back buyer id or None, deadline or last freeing): the first instant after
    `now` at which one of them stops holding by the clock alone, and the buyers of those held back."""
    releases, buyers = [], set()
    for held_back_buyer, moment in held:
        if held_back_buyer is not None:  # held back (buyer 0: none): until the hold-back after its freeing
            buyers.add(held_back_buyer)
            if moment is not None:
                releases.append(moment + holdback())
        elif moment is not None:  # pending: until its deadline
            releases.append(moment)
    return min((m for m in releases if m > now), default=None), frozenset(buyers)
