"""Demo data for the embedded mode: the three Paris pilot stations, Kennewick, and logins.

Safe to run again: rows are matched on natural keys and updated, and a station's
shifts are only added for local days that have none yet.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from charter.seed import charter_seed_first_version
from stations.models import Officer, OpeningHours, Shift, Space, SpaceKind, Station
from stations.permissions import station_staff_group

DEMO_DOMAIN = "demo.safe-exchange.local"
BUYER_EMAIL = f"buyer@{DEMO_DOMAIN}"
BUYER_PASSWORD = "demo-buyer-2026"  # noqa: S105 - demo-only, printed on purpose
STAFF_PASSWORD = "demo-staff-2026"  # noqa: S105
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
ADMIN_PASSWORD = "demo-admin-2026"  # noqa: S105

# The Prefecture of Police's switchboard (34 30) serves every Paris station; 17 is
# the emergency number and is no booking contact.
PARIS_PHONE = "34 30"

PARIS_STATIONS = [
    {
        "slug": "paris-11",
        "name": "Commissariat central du 11e arrondissement",
        "name_en": "Central police station, 11th arrondissement",
        "address": "107 boulevard Voltaire\n75011 Paris",
        "latitude": Decimal("48.858900"),
        "longitude": Decimal("2.378700"),
        "access_notes": "Métro Voltaire (ligne 9). Présentez-vous à l'accueil avec votre code de réservation.",
        "access_notes_en": "Metro Voltaire (line 9). Go to the front desk with your booking code.",
        "officers": [("Camille", "Martin"), ("Julien", "Bernard"), ("Sofia", "Haddad")],
    },
    {
        "slug": "paris-13",
        "name": "Commissariat central du 13e arrondissement",
        "name_en": "Central police station, 13th arrondissement",
        "address": "144 boulevard de l'Hôpital\n75013 Paris",
        "latitude": Decimal("48.833200"),
        "longitude": Decimal("2.356300"),
        "access_notes": "Métro Place d'Italie (lignes 5, 6 et 7). Présentez-vous à l'accueil avec votre code.",
        "access_notes_en": "Metro Place d'Italie (lines 5, 6 and 7). Go to the front desk with your code.",
        "officers": [("Léa", "Nguyen"), ("Mathieu", "Robert"), ("Karim", "Benali")],
    },
    {
        "slug": "paris-17",
        "name": "Commissariat central du 17e arrondissement",
        "name_en": "Central police station, 17th arrondissement",
        "address": "19-21 rue Truffaut\n75017 Paris",
        "latitude": Decimal("48.884900"),
        "longitude": Decimal("2.322500"),
        "access_notes": "Métro La Fourche (ligne 13). Présentez-vous à l'accueil avec votre code de réservation.",
        "access_notes_en": "Metro La Fourche (line 13). Go to the front desk with your booking code.",
        "officers": [("Claire", "Lefèvre"), ("Thomas", "Petit"), ("Inès", "Moreau")],
    },
]

# (weekday, opens, closes) in the station's wall-clock time: Monday–Friday with a
# lunch break, Saturday afternoon included, closed on Sunday.
PARIS_HOURS = [(weekday, time(9, 0), time(12, 0)) for weekday in range(5)]
PARIS_HOURS += [(weekday, time(14, 0), time(19, 0)) for weekday in range(5)]
PARIS_HOURS += [(5, time(10, 0), time(17, 0))]

# Each text in French, then in English: (name, name_en, description, description_en).
PARIS_ROOMS = [
    (
        "Salle d'échange 1",
        "Exchange room 1",
        "Rez-de-chaussée, à droite de l'accueil.",
        "Ground floor, right of the front desk.",
    ),
    (
        "Salle d'échange 2",
        "Exchange room 2",
        "Rez-de-chaussée, à gauche de l'accueil.",
        "Ground floor, left of the front desk.",
    ),
]
_BAY_FR = "Place matérialisée devant le commissariat, pour les ventes de véhicules."
_BAY_EN = "Marked bay in front of the station, for vehicle sales."
PARIS_BAYS = [("Place 1", "Bay 1", _BAY_FR, _BAY_EN), ("Place 2", "Bay 2", _BAY_FR, _BAY_EN)]

KENNEWICK = {
    "slug": "kennewick",
    "name": "Commissariat de Kennewick",
    "name_en": "Kennewick Police Department",
    "country": "US",
    "address": "211 W 6th Ave\nKennewick, WA 99336\nUnited States",
    "time_zone": "America/Los_Angeles",
    "language": "en",
    "latitude": Decimal("46.208700"),
    "longitude": Decimal("-119.119500"),
    # The department's front-desk line as published by the city; not checked
    # against a live directory, and a demo value only.
    "phone": "+1 509-585-4208",
    "access_notes": "Zone d'échange sécurisée : places matérialisées devant le commissariat, à la vue de tous "
    "et filmées par ses caméras, ouvertes jour et nuit.",
    "access_notes_en": "Safe exchange zone: marked spots in front of the station, in public view and "
    "recorded by the station's cameras, open around the clock.",
}
# Kennewick's safe exchange zone: walk-in, camera-watched, open around the clock, never
# booked (stations.models.SpaceKind.ZONE). It has no opening hours: the zone is open 24 hours.
KENNEWICK_ZONE_RULES = (
    "Ouvert 24 h/24, tous les jours ; ni réservation ni agent : les places sont à la vue de tous et "
    "filmées par les caméras du commissariat. Rencontrez-vous de jour si possible, restez en vue du "
    "bâtiment et venez accompagné. Armes, drogues et alcool interdits. En cas d'urgence, appelez le 911.",
    "Open 24 hours, every day; no booking and no officer: the spots are in public view and recorded "
    "by the station's cameras. Meet in daylight when you can, stay in view of the building, and bring "
    "a friend. Weapons, drugs and alcohol are not allowed. In an emergency, call 911.",
)
_SPOT_FR = "Place matérialisée devant le commissariat, couverte par les caméras."
_SPOT_EN = "Marked parking spot in front of the station, covered by the cameras."
KENNEWICK_ZONES = [
    ("Place d'échange sécurisée 1", "Safe Exchange Spot 1", _SPOT_FR, _SPOT_EN),
    ("Place d'échange sécurisée 2", "Safe Exchange Spot 2", _SPOT_FR, _SPOT_EN),
]

OFFICERS_ON_DUTY = 2  # one per room; the third officer of each station is off that day


class Command(BaseCommand):
    help = gettext_lazy(
        "Load the demo data: the Paris pilot stations (11e, 13e, 17e) with rooms, bays, officers and "
        "two weeks of shifts, Kennewick's safe exchange zone, the charter, a demo buyer, one staff "
        "account per station and a superuser. Safe to run again. The passwords are demo-only and "
        "printed in clear: never run this against a production database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help=gettext_lazy("Print nothing."))
        parser.add_argument(
            "--force",
            action="store_true",
            help=gettext_lazy("Load the demo accounts even with DEBUG off (never on a real deployment)."),
        )

    def handle(self, *args, quiet=False, force=False, **options):
        # The demo accounts have published passwords, a superuser among them.
        if not settings.DEBUG and not force:
            raise CommandError(
                _("seed_demo creates accounts with published passwords; it runs only with DEBUG on (or --force).")
            )
        now = timezone.now()
        with transaction.atomic():
            charter_seed_first_version()
            stations = [_seed_paris_station(spec) for spec in PARIS_STATIONS]
            stations.append(_seed_kennewick())
            shifts_created = sum(_seed_shifts(station, now) for station in stations)
            logins = _seed_logins(stations)
        if quiet:
            return
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo data ready: %(stations)d stations, %(shifts)d new shifts.")
                % {"stations": len(stations), "shifts": shifts_created}
            )
        )
        self.stdout.write(_("These passwords are for the demo only."))
        self.stdout.write(_format_table([(_("Email"), _("Password"), _("For")), *logins]))


def _seed_station(*, slug: str, spaces: list[tuple], hours, **fields) -> Station:
    station, _created = Station.objects.update_or_create(slug=slug, defaults={**fields, "is_active": True})
    for kind, name, name_en, description, description_en, *house_rules in spaces:
        # Matched on the English name too: an earlier run named Kennewick's spots in English only.
        space = Space.objects.filter(station=station, name__in=[name, name_en]).order_by("-name").first()
        space = space or Space(station=station)
        space.name, space.name_en, space.kind, space.is_active = name, name_en, kind, True
        space.description, space.description_en = description, description_en
        space.house_rules, space.house_rules_en = house_rules or ("", "")
        space.save()
    for weekday, opens_at, closes_at in hours:
        OpeningHours.objects.update_or_create(
            station=station, weekday=weekday, opens_at=opens_at, defaults={"closes_at": closes_at}
        )
    return station


def _seed_paris_station(spec: dict) -> Station:
    spaces = [(SpaceKind.ROOM, *texts) for texts in PARIS_ROOMS]
    spaces += [(SpaceKind.BAY, *texts) for texts in PARIS_BAYS]
    station = _seed_station(
        slug=spec["slug"],
        name=spec["name"],
        name_en=spec["name_en"],
        country="FR",
        address=spec["address"],
        time_zone="Europe/Paris",
        latitude=spec["latitude"],
        longitude=spec["longitude"],
        phone=PARIS_PHONE,
        access_notes=spec["access_notes"],
        access_notes_en=spec["access_notes_en"],
        spaces=spaces,
        hours=PARIS_HOURS,
    )
    for number, (first_name, last_name) in enumerate(spec["officers"], start=1):
        user, _created = User.objects.update_or_create(
            email=f"officer{number}.{station.slug}@{DEMO_DOMAIN}",
            defaults={"first_name": first_name, "last_name": last_name, "is_staff": False, "station": station},
        )
        # Officers get assignments by email; they do not log in to the demo.
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Officer.objects.update_or_create(
            user=user,
            defaults={
                "station": station,
                "badge_number": f"{station.slug.upper()}-{number:03d}",
                "is_active": True,
            },
        )
    return station


def _seed_kennewick() -> Station:
    spaces = [(SpaceKind.ZONE, *texts, *KENNEWICK_ZONE_RULES) for texts in KENNEWICK_ZONES]
    station = _seed_station(**KENNEWICK, spaces=spaces, hours=[])
    # Earlier demo data opened its bays 00:00-23:59 to make them bookable; the zone needs no hours.
    station.opening_hours.all().delete()
    return station


def _local_day_bounds(day: date, zone) -> tuple[datetime, datetime]:
    return datetime.combine(day, time.min, zone), datetime.combine(day + timedelta(days=1), time.min, zone)


def _seed_shifts(station: Station, now: datetime) -> int:
    """Shifts over the opening hours from today to the booking horizon, for days that have none."""
    officers = list(station.officers.filter(is_active=True).order_by("badge_number"))
    if not officers:
        return 0
    zone = station.zone
    today = timezone.localdate(now, zone)
    days = [today + timedelta(days=n) for n in range(station.horizon_days + 1)]
    window_start, _end = _local_day_bounds(days[0], zone)
    _start, window_end = _local_day_bounds(days[-1], zone)
    covered = {
        timezone.localtime(starts_at, zone).date()
        for starts_at in Shift.objects.filter(
            officer__station=station, starts_at__gte=window_start, starts_at__lt=window_end
        ).values_list("starts_at", flat=True)
    }
    hours_by_weekday: dict[int, list[OpeningHours]] = {}
    for opening in station.opening_hours.all():
        hours_by_weekday.setdefault(opening.weekday, []).append(opening)

    shifts = []
    for day in days:
        if day in covered:
            continue
        # The rota turns on the calendar date, not on the run date, so a later
        # run fills new days with the same pattern.
        rota = [officers[(day.toordinal() + n) % len(officers)] for n in range(min(OFFICERS_ON_DUTY, len(officers)))]
        for opening in hours_by_weekday.get(day.weekday(), []):
            # Combining with the zone (not adding hours to midnight) gives the
            # right UTC offset on the days the clocks change.
            starts_at = datetime.combine(day, opening.opens_at, zone)
            ends_at = datetime.combine(day, opening.closes_at, zone)
            shifts += [Shift(officer=officer, starts_at=starts_at, ends_at=ends_at) for officer in rota]
    Shift.objects.bulk_create(shifts)
    return len(shifts)


def _login(email: str, password: str, **fields) -> User:
    user, _created = User.objects.update_or_create(email=email, defaults={"is_active": True, **fields})
    user.set_password(password)
    user.save(update_fields=["password"])
    # allauth refuses a login until the address is verified.
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _seed_logins(stations: list[Station]) -> list[tuple[str, str, str]]:
    _login(BUYER_EMAIL, BUYER_PASSWORD, first_name="Alex", last_name="Acheteur", is_staff=False, is_superuser=False)
    rows = [(BUYER_EMAIL, BUYER_PASSWORD, _("Demo buyer: books slots on the public site"))]
    group = station_staff_group()
    for station in stations:
        email = f"staff.{station.slug}@{DEMO_DOMAIN}"
        user = _login(
            email,
            STAFF_PASSWORD,
            first_name="Staff",
            last_name=station.slug,
            is_staff=True,
            is_superuser=False,
            station=station,
        )
        user.groups.add(group)
        rows.append(
            (email, STAFF_PASSWORD, _("Staff of %(station)s: the admin, this station only") % {"station": station})
        )
    _login(ADMIN_EMAIL, ADMIN_PASSWORD, first_name="Admin", last_name="Demo", is_staff=True, is_superuser=True)
    rows.append((ADMIN_EMAIL, ADMIN_PASSWORD, _("Superuser: the admin, every station")))
    return rows


def _format_table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
