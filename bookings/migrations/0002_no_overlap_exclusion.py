"""On PostgreSQL, refuse overlapping holding bookings of one space, not only equal starts.

SQLite has no exclusion constraints; there the unique (space, starts_at)
constraint of 0001 and the per-station lock in booking_create stand guard.
"""

from django.db import migrations

HOLDING = "('pending', 'confirmed', 'checked_in')"


def add_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        "ALTER TABLE bookings_booking ADD CONSTRAINT booking_no_overlap_per_space "
        "EXCLUDE USING gist (space_id WITH =, tstzrange(starts_at, ends_at) WITH &&) "
        f"WHERE (status IN {HOLDING})"
    )


def drop_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS booking_no_overlap_per_space")


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(add_exclusion, drop_exclusion)]
