"""The benchmark's data, made through the ORM before the server starts.

Stations with rooms, opening hours and officers on shift over the whole horizon, the
published charter, buyers with a verified address and a logged-in session each, and a
wizard draft per buyer and station (bookings.drafts: item, slot and seller answers),
each buyer on a (slot, room) of their own so that every booking POST should succeed.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts.models import User
from bookings.models import Booking, BookingDraft, BookingStatus, ItemKind
from charter.models import CharterVersion
from charter.seed import charter_seed_first_version
from charter.selectors import charter_check
from stations.models import Officer, OpeningHours, Shift, Space, SpaceKind, Station

from .baseline_views import INSERT_TABLE

ZONE = "Europe/Paris"
# Away from the 02:00–03:00 of the clock changes, so no slot is skipped or doubled.
OPENS, CLOSES = time(7, 0), time(23, 0)
# A slot this close to now is never given to a buyer: the lead time (4 h) plus the run's length.
NOT_BEFORE = timedelta(hours=5)

ITEM = {
    "item_title": "Lot de romans de poche",
    "item_description": "Une vingtaine de livres, bon état, à récupérer sur place.",
    "item_kind": ItemKind.GOODS,
    "vehicle_plate": "",
    "listing_url": "",
}
# As a login would record it: the first backend the settings name.
LOGIN_BACKEND = settings.AUTHENTICATION_BACKENDS[0]


@dataclass(frozen=True)
class StationSpec:
    slug: str
    rooms: int = 12
    officers: int = 16
    cap: int = 32  # bookings per officer and shift: one a slot over a 07:00–23:00 shift
    horizon_days: int = 14


@dataclass(frozen=True)
class Ticket:
    """A buyer ready to book at a station: their session and the station's slug."""

    session_key: str
    slug: str
    user_id: int


def charter_publish() -> CharterVersion:
    version = charter_seed_first_version()
    verdict = charter_check(version=version, title=ITEM["item_title"], description=ITEM["item_description"])
    assert not verdict.forbidden and not verdict.is_vehicle, "the benchmark's item must be an allowed object"
    return version


def insert_table_create() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {INSERT_TABLE} "
            "(id bigserial PRIMARY KEY, created_at timestamptz NOT NULL, note text NOT NULL)"
        )


def station_create(spec: StationSpec, *, now: datetime) -> Station:
    """A station open 07:00–23:00 every day, its rooms, and every officer on shift those hours each day."""
    station = Station.objects.create(
        name=f"Bench {spec.slug}",
        slug=spec.slug,
        address="1 rue du Banc\n75001 Paris",
        time_zone=ZONE,
        horizon_days=spec.horizon_days,
        officer_cap_per_shift=spec.cap,
    )
    Space.objects.bulk_create(
        Space(station=station, kind=SpaceKind.ROOM, name=f"Salle {n:02d}") for n in range(1, spec.rooms + 1)
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(station=station, weekday=weekday, opens_at=OPENS, closes_at=CLOSES) for weekday in range(7)
    )
    password = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"officer{n}.{spec.slug}@staff.bench.example", password=password, station=station)
        for n in range(1, spec.officers + 1)
    )
    officers = Officer.objects.bulk_create(
        Officer(user=user, station=station, badge_number=f"B-{n:03d}") for n, user in enumerate(users, start=1)
    )
    zone = station.zone
    today = timezone.localdate(now, zone)
    days = [today + timedelta(days=n) for n in range(-1, spec.horizon_days + 2)]
    Shift.objects.bulk_create(
        Shift(
            officer=officer,
            starts_at=datetime.combine(day, OPENS, zone),
            ends_at=datetime.combine(day, CLOSES, zone),
        )
        for day in days
        for officer in officers
    )
    return station


def slot_starts(station: Station, *, now: datetime) -> list[datetime]:
    """The station's slot starts (UTC) a buyer may book during the run, earliest first."""
    zone = station.zone
    today = timezone.localdate(now, zone)
    starts = []
    for n in range(station.horizon_days + 1):
        moment = datetime.combine(today + timedelta(days=n), OPENS, zone)
        closes = datetime.combine(today + timedelta(days=n), CLOSES, zone)
        while moment + station.slot_length <= closes:
            if moment >= now + NOT_BEFORE:
                starts.append(moment.astimezone(UTC))
            moment += station.slot_length
    return starts


def slot_key(starts_at: datetime) -> str:
    return starts_at.strftime("%Y%m%dT%H%M%SZ")


def buyers_create(prefix: str, count: int, *, now: datetime) -> list[tuple[User, str]]:
    """Buyers with a verified address, each logged in: (user, session key) pairs."""
    password = make_password(None)  # unusable; the session is made here, never by a login form
    users = User.objects.bulk_create(
        (User(email=f"{prefix}{n}@buyers.bench.example", password=password) for n in range(count)), batch_size=2000
    )
    EmailAddress.objects.bulk_create(
        (EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users), batch_size=2000
    )
    store = SessionStore()
    expires = now + timedelta(days=7)
    keys = []
    sessions = []
    for user in users:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: LOGIN_BACKEND,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        keys.append(key)
    Session.objects.bulk_create(sessions, batch_size=2000)
    return list(zip(users, keys, strict=True))


def drafts_create(rows: list[tuple[User, Station, dict]], *, now: datetime) -> None:
    BookingDraft.objects.bulk_create(
        (BookingDraft(buyer=user, station=station, answers=answers, saved_at=now) for user, station, answers in rows),
        batch_size=2000,
    )


def seller_answers(number: int, slug: str) -> dict:
    # A mailbox and a domain of its own per booking: no recipient cap is reached, and the
    # recipient check's domain narrowing finds one row, not every booking of the run.
    return {"seller_email": f"vendeur@s{number}.{slug}.sellers.bench.example", "seller_name": f"Vendeur {number}"}


def booking_tickets(
    station: Station, buyers: list[tuple[User, str]], *, now: datetime, rooms: int
) -> tuple[list[Ticket], list]:
    """Drafts holding item, slot and seller for as many buyers as the station has (slot, room) pairs.

    `rooms` buyers share each slot start: the engine gives each a room of their own.
    Returns the tickets (in slot order) and the draft rows to create.
    """
    pairs = [start for start in slot_starts(station, now=now) for _room in range(rooms)]
    tickets, drafts = [], []
    for (user, key), starts_at in zip(buyers, pairs, strict=False):
        answers = {"item": dict(ITEM), "slot": slot_key(starts_at), "seller": seller_answers(user.pk, station.slug)}
        drafts.append((user, station, answers))
        tickets.append(Ticket(key, station.slug, user.pk))
    return tickets, drafts


def bookings_fill(station: Station, *, now: datetime, share: float, seed: int = 7) -> int:
    """Confirmed bookings on `share` of the station's (slot, room) pairs, each with an officer of its own.

    For the slot page: the engine then has rooms and officers with bookings to step over.
    """
    charter = CharterVersion.objects.order_by("number").first()
    owner = User.objects.create(email=f"filler.{station.slug}@buyers.bench.example", password=make_password(None))
    rooms = list(Space.objects.filter(station=station).order_by("name"))
    officers = list(Officer.objects.filter(station=station).order_by("badge_number"))
    chooser = random.Random(seed)
    references = set()
    rows = []
    for starts_at in slot_starts(station, now=now):
        for index, room in enumerate(rooms):
            if chooser.random() >= share:
                continue
            reference = "SX-" + "".join(chooser.choice("34679ACDEFGHJKMNPQRTUVWXY") for _ in range(5))
            if reference in references:
                continue
            references.add(reference)
            rows.append(
                Booking(
                    reference=reference,
                    station=station,
                    space=room,
                    officer=officers[index % len(officers)],
                    starts_at=starts_at,
                    ends_at=starts_at + station.slot_length,
                    status=BookingStatus.CONFIRMED,
                    hold_expires_at=starts_at - timedelta(hours=2),
                    buyer=owner,
                    seller_email=f"vendeur@fill{len(rows)}.sellers.bench.example",
                    seller_name="Vendeur",
                    item_title=ITEM["item_title"],
                    buyer_charter_version=charter,
                    seller_charter_version=charter,
                    seller_answered_at=now,
                )
            )
    Booking.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
