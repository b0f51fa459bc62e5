from datetime import datetime, time, timedelta

import factory
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking, ItemKind
from charter.models import CharterVersion, Rule, RuleCategory
from stations.models import Closure, Officer, OfficerAbsence, OpeningHours, Shift, Space, SpaceKind, Station

# The name a seller gives when accepting (bookings.services.booking_accept requires it).
SELLER_NAMES = {"seller_first_name": "Camille", "seller_last_name": "Vendeur"}


def tomorrow_at(zone, hour: int) -> datetime:
    """`hour` o'clock tomorrow in the station's time zone, whatever the hour now.

    Not now-plus-something: near midnight that lands on another local day, and on the night
    of a daylight saving change on a wall-clock time that does not exist or exists twice,
    which the admin's date and time fields then refuse to read back.
    """
    return datetime.combine(timezone.localdate(timezone.now(), zone) + timedelta(days=1), time(hour), zone)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Buyers need a verified email address (allauth) before they can book."""
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Station
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Commissariat {n}")
    slug = factory.Sequence(lambda n: f"station-{n}")
    address = "1 rue de la Paix, 75002 Paris"
    time_zone = "Europe/Paris"
    slot_minutes = 30
    lead_time_minutes = 240
    horizon_days = 14
    seller_window_hours = 24
    language = "en"  # the staff's emails; the tests read English (French is tested on its own)


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    station = factory.SubFactory(StationFactory)
    kind = SpaceKind.ROOM
    name = factory.Sequence(lambda n: f"Salle {n}")


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    station = factory.SubFactory(StationFactory)
    weekday = 0
    opens_at = time(9, 0)
    closes_at = time(18, 0)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    station = factory.SubFactory(StationFactory)
    starts_at = factory.LazyAttribute(lambda o: tomorrow_at(o.station.zone, 10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    reason = "Exercice incendie"


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    user = factory.SubFactory(UserFactory, verified=False)
    station = factory.SubFactory(StationFactory)
    badge_number = factory.Sequence(lambda n: f"B{n:05d}")


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    officer = factory.SubFactory(OfficerFactory)
    starts_at = factory.LazyAttribute(lambda o: tomorrow_at(o.officer.station.zone, 9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=8))


class OfficerAbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficerAbsence

    officer = factory.SubFactory(OfficerFactory)
    starts_at = factory.LazyAttribute(lambda o: tomorrow_at(o.officer.station.zone, 9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=8))
    reason = "Formation"


class CharterVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CharterVersion
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n + 100)
    summary_fr = "Pas d'armes, pas de lames, pas d'objets encombrants."
    summary_en = "No weapons, no blades, no bulky goods."
    text_fr = "Charte des objets interdits."
    text_en = "Charter of forbidden items."
    published_at = factory.LazyFunction(timezone.now)


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rule

    version = factory.SubFactory(CharterVersionFactory)
    category = RuleCategory.WEAPON
    terms = "arme\npistolet\nfusil\ngun\nrifle\nweapon"
    exceptions = "pistolet a colle\nglue gun"
    reason_fr = "Les armes sont interdites au commissariat."
    reason_en = "Weapons are not allowed at the police station."


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking written straight to the table, for tests that need one in a given state.

    Tests of the booking rules go through bookings.services instead.
    """

    class Meta:
        model = Booking

    station = factory.SubFactory(StationFactory)
    space = factory.SubFactory(SpaceFactory, station=factory.SelfAttribute("..station"))
    starts_at = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=2)).replace(microsecond=0))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=30))
    hold_expires_at = factory.LazyAttribute(lambda o: o.starts_at - timedelta(hours=2))
    buyer = factory.SubFactory(UserFactory)
    seller_email = factory.Sequence(lambda n: f"seller{n}@example.net")
    seller_name = factory.Faker("name")
    item_title = "Vélo de course"
    item_kind = ItemKind.GOODS
    buyer_charter_version = factory.SubFactory(CharterVersionFactory)
