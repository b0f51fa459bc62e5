"""Every URL of the project, fed hostile input by anyone: never a 5xx, and a GET or a refused POST writes nothing.

Each URL pattern (tests/urlwalk.py walks config.urls: our apps, allauth, the
admin, i18n) is a test of its own. Hypothesis draws who asks (anonymous, a
verified buyer, paris-11's staff, a superuser), GET or POST (POST with and
without the CSRF check), a value for each path parameter (a real one, a real one
spoiled, or a hostile one), and query and form fields whose names include the
admin's lookup parameters. Hostile values: NUL bytes, lone surrogates (sent as
their UTF-8 bytes, which Python strings cannot carry), 1 MB strings, huge and
negative numbers, impossible dates, a time in Paris' spring-forward gap, random
text. PostgreSQL is where NUL bytes bite (CI runs this there).

Each request runs in a savepoint that is rolled back, so one example's POST (a
cancellation that went through, a logout) does not change the next one's world.
Runtime: HOSTILE_EXAMPLES examples per URL (default 6, about a minute on SQLite);
HOSTILE_EXAMPLES=200 HOSTILE_RANDOM=1 explores further and differently each run.
"""

import os
import re
import zlib
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from urllib.parse import quote_from_bytes

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from bookings.links import seller_cancel_token, seller_token
from bookings.models import Booking, BookingStatus, CancelCause
from bookings.rebooking import rebooking_token
from stations.models import SpaceKind
from tests import factories
from tests.urlwalk import project_routes

# Reproducible by default: each URL's examples come from a seed of its own name.
SEEDED = not os.environ.get("HOSTILE_RANDOM")
settings.register_profile(
    "hostile",
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "4")),
    deadline=None,
    database=None,
    # Shrinking replays many requests per failure; HOSTILE_SHRINK=1 for the smallest failing input.
    phases=[Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if os.environ.get("HOSTILE_SHRINK") else []),
    suppress_health_check=list(HealthCheck),
)

ROUTES = project_routes()
ROLES = ("anonymous", "buyer", "staff", "superuser")

MEGABYTE = "x" * 1_000_000
HOSTILE_TEXT = [
    "\x00",
    "SX-\x00AB",
    "99999999999999999999",
    "-1",
    "-99999999999999999999",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "99999999999999999999-01-01",
    "2027-03-28T02:30",  # Europe/Paris skips 02:00 to 03:00 that night
    "2027-03-28 02:30",
    "2026-10-25T02:30",  # and lives 02:00 to 03:00 twice on this one
    "0",
    "²",  # str.isdigit() says yes, int() says no
    "٣",  # an Arabic-Indic three: int() says 3
    "1e308",
    "NaN",
    "../../etc/passwd",
    "' OR 1=1 --",
    "\u202e\ufeff\u200b",
    "<script>alert(1)</script>",
    MEGABYTE,
    "a " * 3000,
]
# What a str cannot carry into a URL or a body: percent-encoded as these bytes.
HOSTILE_BYTES = [b"\xed\xa0\x80", b"SX-\xed\xbf\xbf", b"\xff\xfe", b"\xc0\xaf", b"\x00\xed\xa0\x80"]
hostile = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.sampled_from(HOSTILE_BYTES),
    st.integers().map(str),
    st.dates().map(str),
    st.text(max_size=40),
)

# The admin's changelist, date hierarchy, search, sort, pages, autocomplete; our own pages' parameters.
QUERY_KEYS = [
    "status__exact",
    "starts_at__year",
    "starts_at__month",
    "starts_at__day",
    "at__year",
    "lifted_at__year",
    "starts_at__gte",
    "id__exact",
    "station__id__exact",
    "q",
    "o",
    "p",
    "e",
    "all",
    "_to_field",
    "_popup",
    "_changelist_filters",
    "term",
    "app_label",
    "model_name",
    "field_name",
    "day",
    "station",
    "first_day",
    "last_day",
    "format",
    "reference",
    "title",
    "description",
    "next",
    "page",
]
FORM_KEYS = [
    "action",
    "reason",
    "note",
    "email",
    "login",
    "password",
    "item_title",
    "item_description",
    "item_kind",
    "slot",
    "day",
    "seller_email",
    "seller_name",
    "accept",
    "language",
    "next",
    "first_day",
    "starts",
    "ends",
    "reference",
    "_selected_action",
    "index",
    "post",
    "confirm",
    "starts_at_0",
    "starts_at_1",
    "ends_at_0",
    "ends_at_1",
]
AUTOCOMPLETE = [("app_label", "stations"), ("model_name", "shift"), ("field_name", "officer")]
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# Where a visit may write: the session, and the wizard's draft of a booking
# (bookings.drafts, kept out of the session store), which the rebooking link prefills.
SCRATCH_TABLES = ('"django_session"', '"bookings_bookingdraft"')


def _encode(value) -> str:
    return quote_from_bytes(value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass"), safe="")


def _encoded_pairs(pairs) -> str:
    return "&".join(f"{_encode(key)}={_encode(value)}" for key, value in pairs)


def fields(keys):
    pair = st.tuples(st.one_of(st.sampled_from(keys), hostile), hostile)
    return st.lists(pair, max_size=4)


@pytest.fixture
def world(time_machine, buyer, staff_11e, paris_11, paris_13, charter):
    """Real rows for every kind of path parameter to aim at, and a logged-in session for each role."""
    time_machine.move_to(datetime(2026, 3, 10, 11, 0, tzinfo=UTC), tick=False)
    booking = factories.BookingFactory(
        buyer=buyer,
        station=paris_11,
        space=paris_11.spaces.get(kind=SpaceKind.ROOM),
        status=BookingStatus.PENDING,
        buyer_charter_version=charter,
    )
    cancelled = factories.BookingFactory(
        buyer=buyer,
        station=paris_11,
        space=paris_11.spaces.get(kind=SpaceKind.BAY),
        status=BookingStatus.CANCELLED,
        cancel_cause=CancelCause.CLOSURE,
        buyer_charter_version=charter,
    )
    officer = factories.OfficerFactory(station=paris_11)
    superuser = factories.UserFactory(email="root@prefecture.example", is_staff=True, is_superuser=True)
    sessions = {"anonymous": None}
    for role, user in (("buyer", buyer), ("staff", staff_11e), ("superuser", superuser)):
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies.output(header="", sep=";")
    return {
        "booking": booking,
        "sessions": sessions,
        # A form's other fields, real, so that its dates get checked: a closure, a shift, an absence, a week.
        "form": [("station", str(paris_11.pk)), ("officer", str(officer.pk)), ("officers", str(officer.pk))],
        "tokens": {
            "bookings:seller-invite": seller_token(booking),
            "bookings:seller-cancel": seller_cancel_token(booking),
            "bookings:seller-qr": seller_token(booking),
            "bookings:seller-calendar": seller_token(booking),
            "bookings:rebook": rebooking_token(cancelled),
        },
    }


def _real_value(route, name, world):
    """A value that reaches the view behind the pattern, so that hostile input gets past the URL resolver."""
    booking = world["booking"]
    if name == "object_id":
        for model in admin.site._registry:
            if route.route.startswith(f"admin/{model._meta.app_label}/{model._meta.model_name}/"):
                row = model._default_manager.order_by("pk").first()
                return str(row.pk) if row else "1"
        return str(booking.pk)
    if name == "content_type_id":
        return str(ContentType.objects.get_for_model(Booking).pk)
    return {
        "slug": booking.station.slug,
        "reference": booking.reference,
        "token": world["tokens"].get(route.key, "x"),
        "id": str(booking.buyer_id),
        "app_label": "bookings",
        "url": "no-such-page/",
    }.get(name, "x")


def path_values(route, world):
    def one(param):
        real = _real_value(route, param.name, world)
        spoiled = st.tuples(st.just(real), hostile).map(
            lambda pair: pair[0].encode() + (pair[1] if isinstance(pair[1], bytes) else pair[1].encode("utf-8"))
        )
        return st.one_of(st.just(real), spoiled, hostile)

    return st.fixed_dictionaries({param.name: one(param) for param in route.params})


def _client(role, world, *, csrf_checks):
    client = Client(enforce_csrf_checks=csrf_checks)
    if world["sessions"][role]:
        client.cookies = SimpleCookie(world["sessions"][role])
    return client


def _send(client, method, url, body):
    """The response, and the writes it made, rolled back whatever happened."""
    # The query log keeps 9,000 queries: past that, a capture would see none.
    reset_queries()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        try:
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
        finally:
            transaction.set_rollback(True)
    writes = [
        query["sql"][:200]
        for query in queries.captured_queries
        if WRITE.match(query["sql"]) and not any(table in query["sql"][:60] for table in SCRATCH_TABLES)
    ]
    return response, writes


# Apart: an unknown lookup key (the autocomplete's app_label) sends a changelist to ?e=1 before it filters.
NUL_QUERY = [("q", "\x00"), ("status__exact", "\x00"), ("day", "\x00"), ("reference", "\x00")]
NUL_AUTOCOMPLETE = [*AUTOCOMPLETE, ("term", "\x00")]
# Each admin date hierarchy's year (a huge one, the last and the first of the calendar), whatever its field.
HIERARCHIES = sorted({model_admin.date_hierarchy for model_admin in admin.site._registry.values()} - {None})
DATES_QUERY = [
    *((f"{field}__year", ("99999999999999999999", "9999", "1")[n % 3]) for n, field in enumerate(HIERARCHIES)),
    ("starts_at__gte", "0001-01-01"),
    ("day", "9999-12-31"),
    ("first_day", "0001-01-01"),
    ("last_day", "9999-12-31"),
]
# Apart too: the first bad lookup sends a changelist to ?e=1 before the others are tried.
NUMBERS_QUERY = [
    ("station", "²"),
    ("id__exact", "99999999999999999999"),
    ("station__id__exact", "-99999999999999999999"),
    ("p", "99999999999999999999"),
    ("o", "-99999999999999999999"),
]
# Every admin has Django's delete action; the ticked "row" is no primary key.
ACTION_FORM = [("action", "delete_selected"), ("index", "0"), ("_selected_action", "²")]
# Octal escapes in a quoted cookie value are read back as NUL bytes.
NUL_SESSION = 'sessionid="\\000\\000\\000\\000\\000\\000\\000\\000"'
NUL_FORM = [(key, "\x00") for key in FORM_KEYS[:12]]
DATES_FORM = [
    ("starts_at_0", "0001-01-01"),
    ("starts_at_1", "00:00"),
    ("ends_at_0", "0001-01-01"),
    ("ends_at_1", "05:00"),
    ("first_day", "9999-12-31"),
    ("weekdays", "6"),
    ("starts", "08:00"),
    ("ends", "16:00"),
    ("day", "0001-01-01"),
    ("reason", "Exercice"),
]


def _sweep(route, world):
    """Explicit requests every URL gets, whatever hypothesis draws: the inputs issue 8 found, for each role."""
    real = {param.name: _real_value(route, param.name, world) for param in route.params}
    spoiled = {name: value + "\x00" for name, value in real.items()}
    for role in ROLES:
        yield {"role": role, "method": "GET", "values": real, "query": NUL_QUERY, "form": []}
        yield {"role": role, "method": "GET", "values": real, "query": DATES_QUERY, "form": []}
        yield {"role": role, "method": "GET", "values": real, "query": NUMBERS_QUERY, "form": []}
        yield {"role": role, "method": "POST", "values": real, "query": [], "form": NUL_FORM}
        yield {"role": role, "method": "POST", "values": real, "query": [], "form": world["form"] + DATES_FORM}
        if route.params:
            yield {"role": role, "method": "GET", "values": spoiled, "query": [], "form": []}
    for role in ("staff", "superuser"):
        yield {"role": role, "method": "GET", "values": real, "query": NUL_AUTOCOMPLETE, "form": []}
        yield {"role": role, "method": "POST", "values": real, "query": [], "form": ACTION_FORM}
    yield {"role": "buyer", "method": "POST", "values": real, "query": [], "form": NUL_FORM, "csrf_checks": True}
    yield {"role": "anonymous", "method": "GET", "values": real, "query": [], "form": [], "cookie": NUL_SESSION}


def _check(route, world, *, role, method, values, query, form, csrf_checks=False, cookie=None):
    cache.clear()  # rate-limit counters: every request starts from none
    url = route.build(values) + (f"?{_encoded_pairs(query)}" if query else "")
    client = _client(role, world, csrf_checks=csrf_checks and method == "POST")
    if cookie:
        client.defaults["HTTP_COOKIE"] = cookie  # raw: SimpleCookie would quote the backslashes away
    response, writes = _send(client, method, url, _encoded_pairs(form))

    assert response.status_code < 500, f"{method} {url[:300]} as {role}: {response.status_code}"
    if method == "GET" or response.status_code >= 400:
        assert not writes, f"{method} {url[:300]} as {role} ({response.status_code}) wrote: {writes}"
    if csrf_checks and method == "POST":
        # 401: the partner API takes no session at all, only a partner key (docs/partners.md).
        assert response.status_code in (400, 401, 403, 404, 405, 414), (
            f"POST {url[:300]} without a CSRF token went through"
        )


def _drawn(route, world):
    """HOSTILE_EXAMPLES requests at `route` drawn by hypothesis."""

    @settings(settings.get_profile("hostile"))
    @given(
        role=st.sampled_from(ROLES),
        method=st.sampled_from(["GET", "POST"]),
        csrf_checks=st.booleans(),
        values=path_values(route, world),
        query=st.tuples(st.sampled_from([[], AUTOCOMPLETE]), fields(QUERY_KEYS)).map(lambda p: p[0] + p[1]),
        form=fields(FORM_KEYS),
    )
    def drawn(role, method, csrf_checks, values, query, form):
        _check(route, world, role=role, method=method, csrf_checks=csrf_checks, values=values, query=query, form=form)

    return seed(zlib.crc32(route.key.encode()))(drawn) if SEEDED else drawn


@pytest.mark.django_db
def test_every_url_answers_hostile_input_without_a_server_error_nor_a_write(world):
    failures = []
    for route in ROUTES:
        for case in _sweep(route, world):
            try:
                _check(route, world, **case)
            except Exception as error:  # every URL is tried before the test fails
                failures.append(f"{route.key}: {type(error).__name__}: {str(error)[:400]}")
                break

        try:
            _drawn(route, world)()
        except Exception as error:
            failures.append(f"{route.key}: {type(error).__name__}: {str(error)[:400]}")

    assert not failures, f"{len(failures)} of {len(ROUTES)} URLs failed:\n" + "\n".join(failures)
