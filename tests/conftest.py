"""The fixed cast: buyer, seller, staff_11e, staff_13e, officer, on two Paris stations."""

import os
from datetime import time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from charter.selectors import _compiled_rules, _published_version
from stations.models import SpaceKind

from . import factories
from .browser import browser_problems, new_context  # noqa: F401  (every browser test fails on a console error)

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres/redis skip on a laptop without the service, but fail in CI (REQUIRE_SERVICES=1)."""
    has_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    has_redis = bool(os.environ.get("REDIS_URL"))
    for item in items:
        if "postgres" in item.keywords and not has_postgres and not REQUIRE_SERVICES:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL"))
        if "redis" in item.keywords and not has_redis and not REQUIRE_SERVICES:
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL"))


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_charter_cache():
    # Rolled-back tests may reuse a version id with other rules.
    _compiled_rules.cache_clear()
    _published_version.cache_clear()
    yield
    _compiled_rules.cache_clear()
    _published_version.cache_clear()


@pytest.fixture
def on_postgres():
    assert connection.vendor == "postgresql", "this test needs PostgreSQL (DATABASE_URL)"


@pytest.fixture
def charter(db):
    version = factories.CharterVersionFactory(number=1)
    factories.RuleFactory(version=version)
    factories.RuleFactory(
        version=version,
        category="blade",
        terms="couteau\nmachette\nsabre\nknife\nsword",
        exceptions="couteau a beurre",
        reason_fr="Les lames et objets tranchants sont interdits.",
        reason_en="Blades and sharp objects are not allowed.",
    )
    factories.RuleFactory(
        version=version,
        category="bulky",
        terms="lave linge\nmachine a laver\nrefrigerateur\nwashing machine\nfridge\nwardrobe",
        exceptions="",
        reason_fr="Les objets encombrants ne passent pas la porte du commissariat.",
        reason_en="Bulky goods cannot be brought into the station.",
    )
    return version


def _open_every_day(station, opens=time(9, 0), closes=time(18, 0)):
    for weekday in range(7):
        factories.OpeningHoursFactory(station=station, weekday=weekday, opens_at=opens, closes_at=closes)


def _staffed_station(slug, name):
    station = factories.StationFactory(slug=slug, name=name)
    _open_every_day(station)
    factories.SpaceFactory(station=station, kind=SpaceKind.ROOM, name="Salle 1")
    factories.SpaceFactory(station=station, kind=SpaceKind.BAY, name="Place 1")
    return station


@pytest.fixture
def paris_11(db):
    return _staffed_station("paris-11", "Commissariat du 11e arrondissement")


@pytest.fixture
def paris_13(db):
    return _staffed_station("paris-13", "Commissariat du 13e arrondissement")


@pytest.fixture
def officer(paris_11):
    """An officer of paris-11 on shift from now for the next 15 days, 08:00 to 20:00 every day."""
    officer = factories.OfficerFactory(station=paris_11)
    today = timezone.localdate(timezone.now(), paris_11.zone)
    for n in range(16):
        day = today + timedelta(days=n)
        start = timezone.make_aware(timezone.datetime.combine(day, time(8, 0)), paris_11.zone)
        factories.ShiftFactory(officer=officer, starts_at=start, ends_at=start + timedelta(hours=12))
    return officer


@pytest.fixture
def buyer(db):
    return factories.UserFactory(email="buyer@example.org")


@pytest.fixture
def other_buyer(db):
    return factories.UserFactory(email="other.buyer@example.org")


@pytest.fixture
def seller():
    """Sellers have no account: only an email address and a name."""
    return {"seller_email": "seller@example.net", "seller_name": "Camille Vendeur"}


def _staff_of(station, email):
    from stations.permissions import station_staff_group

    user = factories.UserFactory(email=email, is_staff=True, station=station)
    user.groups.add(station_staff_group())
    return user


@pytest.fixture
def staff_11e(paris_11):
    return _staff_of(paris_11, "staff.11e@prefecture.example")


@pytest.fixture
def staff_13e(paris_13):
    return _staff_of(paris_13, "staff.13e@prefecture.example")
