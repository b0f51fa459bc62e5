"""What must hold in the database after any load, whatever the timing: counted in SQL, expected zero."""

from django.db import connection

# A booking holds its room and officer while confirmed, checked in, or pending with its hold
# open (bookings.models.BookingQuerySet.active). The SQL below is built from constants only.
ACTIVE = "({t}.status IN ('confirmed', 'checked_in') OR ({t}.status = 'pending' AND {t}.hold_expires_at > now()))"

CHECKS = {
    "overlapping active bookings on a space": f"""
        SELECT count(*) FROM bookings_booking a JOIN bookings_booking b
          ON a.space_id = b.space_id AND a.id < b.id AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
        WHERE {ACTIVE.format(t="a")} AND {ACTIVE.format(t="b")}""",  # noqa: S608
    "officers with two active bookings at once": f"""
        SELECT count(*) FROM bookings_booking a JOIN bookings_booking b
          ON a.officer_id = b.officer_id AND a.id < b.id AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
        WHERE {ACTIVE.format(t="a")} AND {ACTIVE.format(t="b")}""",  # noqa: S608
    "shifts over the station's per-shift cap": f"""
        SELECT count(*) FROM (
          SELECT s.id FROM stations_shift s
          JOIN stations_officer o ON o.id = s.officer_id
          JOIN stations_station st ON st.id = o.station_id
          JOIN bookings_booking b ON b.officer_id = s.officer_id
            AND b.starts_at >= s.starts_at AND b.ends_at <= s.ends_at AND {ACTIVE.format(t="b")}
          GROUP BY s.id, st.officer_cap_per_shift HAVING count(b.id) > st.officer_cap_per_shift
        ) AS over_cap""",  # noqa: S608
    "active room bookings without an officer": f"""
        SELECT count(*) FROM bookings_booking b JOIN stations_space sp ON sp.id = b.space_id
        WHERE sp.kind = 'room' AND b.officer_id IS NULL AND {ACTIVE.format(t="b")}""",  # noqa: S608
}


def invariants_count() -> dict[str, int]:
    """Each invariant's violations over the whole database."""
    counts = {}
    with connection.cursor() as cursor:
        for name, sql in CHECKS.items():
            cursor.execute(sql)
            counts[name] = cursor.fetchone()[0]
    return counts


def bookings_by_station(slugs: list[str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT st.slug, count(b.id) FROM stations_station st LEFT JOIN bookings_booking b "
            "ON b.station_id = st.id WHERE st.slug = ANY(%s) GROUP BY st.slug",
            [slugs],
        )
        return dict(cursor.fetchall())
