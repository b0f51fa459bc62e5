"""Personal data does not linger anywhere (design note, invariant 9).

Every text field of every model of the project's apps (found through django.apps,
so a field or a model added later is covered without touching this file) is
filled with a marker, for bookings and their related rows aged past the retention
period. After the hourly purge, the marker must be found in no text column of any
table (sessions decoded) except in the rows of the booking under an incident hold.

Fields that hold no personal data are listed in NOT_PERSONAL with the reason: that
list is the reviewed decision, and a new text field is personal until it is added
there.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.urls import reverse

from bookings import tasks
from bookings.models import (
    Actor,
    Booking,
    BookingBanLift,
    BookingDraft,
    BookingEvent,
    CharterRefusal,
    Party,
    ReminderDelivery,
    ScheduleDelivery,
    SellerProposal,
)
from charter.models import BookingCharterReview, CharterOverride
from tests import factories

NOW = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)
# Past the default retention (90 days) and every shorter lifetime (sessions, drafts).
LONG_AGO = NOW - timedelta(days=100)
MARKER = "Zx7Marker"
PROJECT_APPS = ("accounts", "stations", "charter", "bookings")

NOT_PERSONAL = {
    # The account is its owner's, kept until they delete it; the purge detaches the
    # bookings from it (Booking.buyer = NULL) so that it no longer says who met whom.
    "accounts.User.password": "a hash, and the account's own",
    "accounts.User.email": "the account's own login",
    "accounts.User.first_name": "the account's own",
    "accounts.User.last_name": "the account's own",
    "accounts.User.language": "a code, the account's own",
    # A station's public description, written by the prefecture for everyone to read.
    "stations.Station.name": "public station information",
    "stations.Station.name_en": "public station information",
    "stations.Station.country": "a code",
    "stations.Station.access_notes_en": "public station information",
    "stations.Station.pressure_message_en": "a public notice",
    "stations.Space.name_en": "a room or bay of the station",
    "stations.Space.description_en": "a room or bay of the station",
    "stations.Station.slug": "public station information",
    "stations.Station.address": "public station information",
    "stations.Station.access_notes": "public station information",
    "stations.Station.phone": "the station's switchboard, public",
    "stations.Station.time_zone": "a code",
    "stations.Station.language": "a code",
    "stations.Station.pressure_message": "a public notice",
    "stations.Space.name": "a room or bay of the station",
    "stations.Space.description": "a room or bay of the station",
    "stations.Space.house_rules": "a safe-exchange zone's rules, shown to the public",
    "stations.Space.house_rules_en": "the same rules in English",
    "stations.Space.kind": "a code",
    # Shown to buyers in the apology for a closure (bookings.closures): written as a public notice.
    "stations.Closure.reason": "a public notice",
    # Officers stay accountable for the exchanges they oversaw; their badge is their staff identity.
    "stations.Officer.badge_number": "staff identity, kept while the officer is on the roll",
    # The charter is the prefecture's published text.
    "charter.CharterVersion.summary_fr": "published charter",
    "charter.CharterVersion.summary_en": "published charter",
    "charter.CharterVersion.text_fr": "published charter",
    "charter.CharterVersion.text_en": "published charter",
    "charter.CharterVersion.general_exceptions": "charter rule",
    "charter.Rule.category": "a code",
    "charter.Rule.verdict": "a code",
    "charter.Rule.terms": "charter rule",
    "charter.Rule.exceptions": "charter rule",
    "charter.Rule.reason_fr": "charter rule",
    "charter.Rule.reason_en": "charter rule",
    "charter.BookingCharterReview.verdict": "a code (statistics)",
    "charter.BookingCharterReview.space_kind": "a code (statistics)",
    "charter.BookingCharterReview.category": "a code (statistics)",
    "charter.BookingCharterReview.override_verdict": "a code (statistics)",
    "charter.CharterOverride.from_verdict": "a code",
    "charter.CharterOverride.to_verdict": "a code",
    # What statistics and the audit trail keep of a booking.
    "bookings.Booking.reference": "a random code, what the audit trail is filed under",
    "bookings.Booking.status": "a code (statistics)",
    "bookings.Booking.language": "a code",
    "bookings.Booking.seller_language": "a code",
    "bookings.Booking.item_kind": "a code (statistics)",
    "bookings.Booking.invite_nonce": "random, names nobody",
    "bookings.Booking.move_nonce": "random, names nobody",
    "bookings.Booking.seller_proposals": "slot times (bookings.reschedule), name nobody",
    "bookings.Booking.cancel_cause": "a code (statistics)",
    "bookings.Booking.no_show_party": "a code (statistics)",
    "bookings.Booking.refusal_category": "a code (statistics)",
    "bookings.SellerProposal.seller_language": "a code",
    "bookings.BookingEvent.actor_role": "a code",
    "bookings.BookingEvent.from_status": "a code",
    "bookings.BookingEvent.to_status": "a code",
    "bookings.BookingEvent.kind": "a code",
    "bookings.BookingEvent.details": "a reschedule's slot times and station ids, name nobody",
    "bookings.CharterRefusal.category": "a code (statistics)",
    "bookings.ReminderDelivery.party": "a code",
}

pytestmark = pytest.mark.django_db


def _label(model, field) -> str:
    return f"{model._meta.label}.{field.name}"


def _text_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
    ]


def _project_models():
    return [
        model
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if not model._meta.proxy and model._meta.managed
    ]


def _personal_fields():
    return {
        model: [f for f in _text_fields(model) if _label(model, f) not in NOT_PERSONAL] for model in _project_models()
    }


def _fill_every_personal_field():
    """Put the marker in every personal text field of every row; a model without rows is a gap in the fixture."""
    empty = []
    for model, fields in _personal_fields().items():
        if not fields:
            continue
        if not model._default_manager.exists():
            empty.append(model._meta.label)
            continue
        values = {f.name: {"note": MARKER} if isinstance(f, models.JSONField) else MARKER for f in fields}
        model._default_manager.update(**values)
    assert empty == [], f"create a row of {empty} in _aged_world() (or list its fields in NOT_PERSONAL)"


def _booking_of(model, pk, depth=3):
    """The booking a row belongs to, through its foreign keys; None for a row that belongs to none."""
    if model is Booking:
        return Booking.objects.get(pk=pk)
    if depth == 0:
        return None
    row = model._default_manager.filter(pk=pk).first()
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and (target := getattr(row, field.attname, None)) is not None:
            booking = _booking_of(field.related_model, target, depth - 1)
            if booking is not None:
                return booking
    return None


def _marker_hits():
    """(table, column, pk) of every value holding the marker, in every table of the database."""
    tables = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
    session_store = Session.get_session_store_class()()
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (introspected names)
            columns = [column[0] for column in cursor.description]
            model = tables.get(table)
            pk_column = model._meta.pk.column if model else None
            for row in cursor.fetchall():
                values = dict(zip(columns, row, strict=True))
                for column, value in values.items():
                    if table == Session._meta.db_table and column == "session_data":
                        value = json.dumps(session_store.decode(value))
                    elif isinstance(value, dict | list):
                        value = json.dumps(value)
                    elif isinstance(value, bytes | memoryview):
                        value = bytes(value).decode(errors="replace")
                    if isinstance(value, str) and MARKER in value:
                        hits.append((table, column, values.get(pk_column)))
    return hits


def _held(table, pk) -> bool:
    model = next((m for m in apps.get_models() if m._meta.db_table == table), None)
    booking = _booking_of(model, pk) if model and pk is not None else None
    return booking is not None and booking.retention_hold


def _old_booking(station, space, buyer, staff, starts_at=LONG_AGO, **fields):
    booking = factories.BookingFactory(
        station=station, space=space, buyer=buyer, starts_at=starts_at, status="completed", **fields
    )
    BookingEvent.objects.create(booking=booking, actor=buyer, actor_role=Actor.BUYER, to_status="pending")
    BookingEvent.objects.create(booking=booking, actor=staff, actor_role=Actor.STAFF, to_status="completed")
    review = BookingCharterReview.objects.create(
        booking=booking,
        version=booking.buyer_charter_version,
        verdict="review",
        term="x",
        checked_at=starts_at,
        override_verdict="allowed",
        override_reason="x",
        overridden_by=staff,
        overridden_at=starts_at,
    )
    CharterOverride.objects.create(
        review=review, at=starts_at, by=staff, from_verdict="review", to_verdict="allowed", reason="x"
    )
    for party in Party.values:
        ReminderDelivery.objects.create(booking=booking, lead_minutes=120, party=party, queued_at=starts_at)
    return booking


@pytest.fixture
def aged_world(client, paris_11, staff_11e, buyer, charter):
    """A booking past retention with every kind of related row, one under an incident hold, a wizard left half-way."""
    space = paris_11.spaces.get(kind="room")
    old = _old_booking(paris_11, space, buyer, staff_11e, cancel_reason="x", listing_url="https://x.example")
    _old_booking(paris_11, space, buyer, staff_11e, starts_at=old.starts_at + timedelta(hours=1), rebooked_from=old)
    held = _old_booking(paris_11, space, buyer, staff_11e, retention_hold=True)
    CharterRefusal.objects.create(station=paris_11, at=LONG_AGO, category="blade", version=charter)
    ScheduleDelivery.objects.create(station=paris_11, day=LONG_AGO.date(), sent_at=LONG_AGO)
    officer = factories.OfficerFactory(station=paris_11)
    factories.OfficerAbsenceFactory(officer=officer, starts_at=LONG_AGO, reason="x")
    BookingBanLift.objects.create(buyer=buyer, lifted_at=LONG_AGO, lifted_by=staff_11e, station=paris_11, reason="x")
    SellerProposal.objects.create(
        station=paris_11,
        item_title="x",
        seller_email="x@example.net",
        seller_first_name="x",
        seller_last_name="x",
        seller_language="fr",
        seller_charter_version=charter,
        created_at=LONG_AGO - timedelta(days=1),
        expires_at=LONG_AGO,
        booking=old,
    )
    # A buyer who started the wizard long ago and never came back.
    with time_machine.travel(LONG_AGO, tick=False):
        client.force_login(buyer)
        response = client.post(
            reverse("bookings:item", args=[paris_11.slug]),
            {"item_title": f"Vélo {MARKER}", "item_description": MARKER, "item_kind": "goods"},
        )
        assert response.status_code == 302
        assert BookingDraft.objects.filter(buyer=buyer).exists()
        # And any other personal data a session may hold (a login in progress, a message).
        session = client.session
        session["left-behind"] = MARKER
        session.save()
    _fill_every_personal_field()
    return held


def _run_the_hourly_purge():
    """What Celery beat runs (config/settings/base.py CELERY_BEAT_SCHEDULE)."""
    tasks.anonymise_old_bookings()
    tasks.clear_expired_sessions()


def test_every_beat_purge_task_is_scheduled():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"bookings.tasks.anonymise_old_bookings", "bookings.tasks.clear_expired_sessions"} <= scheduled


def test_the_list_of_fields_that_are_not_personal_names_real_fields():
    known = {_label(model, field) for model in _project_models() for field in _text_fields(model)}
    assert set(NOT_PERSONAL) - known == set()


def test_after_the_purge_no_personal_text_is_left_anywhere_but_under_an_incident_hold(aged_world):
    held = aged_world
    assert _marker_hits(), "the fixture put no marker in the database"

    with time_machine.travel(NOW, tick=False):
        _run_the_hourly_purge()

    lingering = sorted({(table, column) for table, column, pk in _marker_hits() if not _held(table, pk)})
    assert lingering == [], f"personal text left after the purge: {lingering}"
    # The held booking keeps everything, its related rows included.
    held_hits = {(table, column) for table, column, pk in _marker_hits() if _held(table, pk)}
    for model, fields in _personal_fields().items():
        if model in (Booking, BookingEvent, BookingCharterReview, CharterOverride):
            assert {(model._meta.db_table, f.column) for f in fields} <= held_hits
    held.refresh_from_db()
    assert (held.seller_name, held.anonymised_at) == (MARKER, None)
