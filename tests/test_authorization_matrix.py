"""Who may open which page: every URL of the project against every role, with the answer each one gets.

TABLE below is the documentation of the project's authorization: one row per pattern of the URLconf
(its name; an unnamed pattern by its route), admin, allauth and the DEBUG-only pages included, and one
expected answer per role (ANSWERS says what each word means). A URL added to the project without its
row fails test_every_url_of_the_project_has_a_row.

Every request is a GET from another machine (not the loopback) aimed at buyer A's objects at
paris-11 (tests/matrix_targets.py): buyer A's confirmed booking, the link sent to the seller of
their pending booking, the priority rebooking link of their booking the station cancelled, paris-11's
room, officer, closure... A GET changes nothing: the database (sessions and wizard drafts aside) and
the outbox are the same after the row; a role refused a page is refused its POST the same way, and
nothing changes either. Roles with no business with buyer A or paris-11 never read
buyer A's reference, address or seller, nor paris-11's officer, except through a link that is itself
the right to read it (BEARER_LINKS).

The roles:
- anonymous: no account, no link.
- buyer_a: the owner of the targets. buyer_b: another verified buyer.
- other_seller: no account; holds the links of buyer B's booking at paris-13 and puts their valid
  signature on the payload of buyer A's link (the strongest forgery without the secret key).
- staff_11e, staff_13e: station staff of paris-11 (the targets' station) and of paris-13.
- superuser: the prefecture's administrator.

Buyers' pages answer 404 to whoever is not their buyer, staff and superuser included (staff work in
the admin). In the admin, staff get 403 on prefecture-wide data and 404 on another station's rows.
"""

import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import NamedTuple
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from tests import factories
from tests.matrix_targets import body_of, build_world, every_row, url_for
from tests.urlconfs import fresh_urlconf, project_urls

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Redirect:
    """A 302 to a URL name, or to a path pattern (fnmatch) in which {url} is the requested path."""

    to: str

    def matches(self, location, url):
        if not self.to.startswith(("/", "{url}")):
            return location == reverse(self.to)
        return fnmatchcase(location, self.to.format(url=url))

    def __repr__(self):
        return f"302→{self.to}"


# What a role may get: a status, or a 302 and where to.
ANSWERS = {
    "200": 200,
    "401": 401,  # the partner API without a partner key (Authorization: Bearer)
    "403": 403,  # refused: the admin's prefecture-wide pages, for station staff
    "404": 404,  # as unknown: someone else's booking, another station's row, a forged link
    "405": 405,
    "login": Redirect("account_login"),  # the site's login page (and back, ?next=)
    "admin": Redirect("admin:login"),  # the admin's login page (and back, ?next=)
    "adminidx": Redirect("admin:index"),
    "home": Redirect("stations:home"),
    "mine": Redirect("bookings:mine"),
    "item": Redirect("/bookings/new/paris-11/item/"),  # the wizard starts with the item
    "slot": Redirect("/bookings/new/paris-11/slot/"),  # the rebooking's draft has the item and the seller
    "movepick": Redirect("{url}paris-11/"),
    "propose": Redirect(
        "/bookings/propose/paris-11/"
    ),  # the proposal's times come after its item  # the reschedule's slot picker opens at the booking's station
    "change": Redirect("{url}change/"),  # the admin's old URL of a row: its change page decides
    "pwchange": Redirect("account_change_password"),
    "setpw": Redirect("/accounts/password/reset/key/*-set-password/"),  # allauth keeps the key in the session
}


class Access(NamedTuple):
    anonymous: object
    buyer_a: object
    buyer_b: object
    other_seller: object
    staff_11e: object
    staff_13e: object
    superuser: object


ROLES = Access._fields

TABLE = """
#                                                 anony-   buyer_a  buyer_b  other    staff    staff    super-
# URL name (or route)                             mous                       seller   11e      13e      user

# Public pages
stations:home                                     200      200      200      200      200      200      200
stations:list                                     200      200      200      200      200      200      200
stations:detail                                   200      200      200      200      200      200      200
charter:current                                   200      200      200      200      200      200      200
charter:check                                     200      200      200      200      200      200      200
privacy                                           200      200      200      200      200      200      200
legal                                             200      200      200      200      200      200      200
set_language                                      home     home     home     home     home     home     home

# The booking wizard: any verified account may book (staff included); it starts with the item
bookings:start                                    login    item     item     login    item     item     item
bookings:item                                     login    200      200      login    200      200      200
bookings:slot                                     login    item     item     login    item     item     item
bookings:seller                                   login    item     item     login    item     item     item
bookings:review                                   login    item     item     login    item     item     item

# A booking is its buyer's: anyone else gets the 404 of an unknown reference. The priority link of buyer A's
# cancelled booking works for buyer A's account only (others land on their own list)
bookings:mine                                     login    200      200      login    200      200      200
bookings:detail                                   login    200      404      login    404      404      404
bookings:cancel                                   login    200      404      login    404      404      404
bookings:qr                                       login    200      404      login    404      404      404
bookings:calendar                                 login    200      404      login    404      404      404
bookings:book-again                               login    405      404      login    404      404      404
bookings:rebook                                   login    slot     mine     login    mine     mine     mine
# Reschedule: the buyer's own booking only; a proposed time is taken by a POST
bookings:move-start                               login    movepick 404      login    404      404      404
bookings:move                                     login    200      404      login    404      404      404
bookings:take-proposal                            login    405      405      login    405      405      405

# The seller's links: the genuine link is the right to answer; a forged one is a 404
bookings:seller-invite                            200      200      200      404      200      200      200
bookings:seller-cancel                            200      200      200      404      200      200      200
bookings:seller-qr                                200      200      200      404      200      200      200
bookings:seller-calendar                          200      200      200      404      200      200      200

# The buyer's account page (their name): any logged-in account, their own only
accounts:mine                                     login    200      200      login    200      200      200

# The seller's language buttons answer only a POST (bookings.views.seller_language)
bookings:seller-invite-language                   405      405      405      405      405      405      405
bookings:seller-cancel-language                   405      405      405      405      405      405      405

bookings:seller-move                              200      200      200      404      200      200      200

# A seller's proposal: anyone may start one (no account); the seller's page is their link's; the buyer's
# link needs an account first, then is the right to take a time
bookings:propose                                  200      200      200      200      200      200      200
bookings:propose-times                            propose  propose  propose  propose  propose  propose  propose
bookings:propose-sent                             200      200      200      200      200      200      200
bookings:proposal-seller                          200      200      200      404      200      200      200
bookings:proposal-take                            login    200      200      login    200      200      200

# Accounts (allauth). Keys sent by email (buyer A's here) work for whoever holds them; their GET changes nothing
account_login                                     200      mine     mine     200      mine     mine     mine
account_logout                                    home     200      200      home     200      200      200
account_inactive                                  200      200      200      200      200      200      200
account_signup                                    200      mine     mine     200      mine     mine     mine
account_reauthenticate                            login    200      200      login    200      200      200
account_email                                     login    200      200      login    200      200      200
account_email_verification_sent                   200      200      200      200      200      200      200
account_change_password                           login    200      200      login    200      200      200
account_set_password                              login    pwchange pwchange login    pwchange pwchange pwchange
account_reset_password                            200      200      200      200      200      200      200
account_confirm_login_code                        login    mine     mine     login    mine     mine     mine
account_confirm_email                             200      200      200      200      200      200      200
account_reset_password_from_key_done              200      200      200      200      200      200      200
account_reset_password_from_key                   setpw    setpw    setpw    setpw    setpw    setpw    setpw
account_reset_password_done                       200      200      200      200      200      200      200

# The admin site: staff only; station staff see their own station
admin:login                                       200      200      200      200      adminidx adminidx adminidx
admin:logout                                      adminidx adminidx adminidx adminidx 405      405      405
admin:index                                       admin    admin    admin    admin    200      200      200
admin:app_list                                    admin    admin    admin    admin    200      200      200
admin:password_change                             admin    admin    admin    admin    200      200      200
admin:password_change_done                        admin    admin    admin    admin    200      200      200
admin:autocomplete                                admin    admin    admin    admin    200      200      200
admin:jsi18n                                      admin    admin    admin    admin    200      200      200
admin:view_on_site                                admin    admin    admin    admin    404      404      404
admin/(?P<url>.*)$                                admin    admin    admin    admin    404      404      404

# Accounts, addresses and groups: the prefecture's administrator only
admin:auth_group_changelist                       admin    admin    admin    admin    403      403      200
admin:auth_group_add                              admin    admin    admin    admin    403      403      200
admin:auth_group_history                          admin    admin    admin    admin    403      403      200
admin:auth_group_delete                           admin    admin    admin    admin    403      403      200
admin:auth_group_change                           admin    admin    admin    admin    403      403      200
admin/auth/group/<path:object_id>/                admin    admin    admin    admin    change   change   change
admin:account_emailaddress_changelist             admin    admin    admin    admin    403      403      200
admin:account_emailaddress_add                    admin    admin    admin    admin    403      403      200
admin:account_emailaddress_history                admin    admin    admin    admin    403      403      200
admin:account_emailaddress_delete                 admin    admin    admin    admin    403      403      200
admin:account_emailaddress_change                 admin    admin    admin    admin    403      403      200
admin/account/emailaddress/<path:object_id>/      admin    admin    admin    admin    change   change   change
admin:auth_user_password_change                   admin    admin    admin    admin    403      403      200
admin:accounts_user_changelist                    admin    admin    admin    admin    403      403      200
admin:accounts_user_add                           admin    admin    admin    admin    403      403      200
admin:accounts_user_history                       admin    admin    admin    admin    403      403      200
admin:accounts_user_delete                        admin    admin    admin    admin    403      403      200
admin:accounts_user_change                        admin    admin    admin    admin    403      403      200
admin/accounts/user/<path:object_id>/             admin    admin    admin    admin    change   change   change

# The charter: staff read it, try a listing, see its impact on their station; the superuser writes and publishes
admin:charter_charterversion_test                 admin    admin    admin    admin    200      200      200
admin:charter_charterversion_impact               admin    admin    admin    admin    200      200      200
admin:charter_charterversion_publish              admin    admin    admin    admin    403      403      200
admin:charter_charterversion_changelist           admin    admin    admin    admin    200      200      200
admin:charter_charterversion_add                  admin    admin    admin    admin    403      403      200
admin:charter_charterversion_history              admin    admin    admin    admin    200      200      200
admin:charter_charterversion_delete               admin    admin    admin    admin    403      403      200
admin:charter_charterversion_change               admin    admin    admin    admin    200      200      200
admin/charter/charterversion/<path:object_id>/    admin    admin    admin    admin    change   change   change

# A station: its staff change it and plan a week of shifts; the superuser creates and deletes stations
admin:stations_station_week                       admin    admin    admin    admin    200      404      200
admin:stations_station_roster                     admin    admin    admin    admin    200      404      200
admin:stations_station_changelist                 admin    admin    admin    admin    200      200      200
admin:stations_station_add                        admin    admin    admin    admin    403      403      200
admin:stations_station_history                    admin    admin    admin    admin    200      404      200
admin:stations_station_delete                     admin    admin    admin    admin    403      404      200
admin:stations_station_change                     admin    admin    admin    admin    200      404      200
admin/stations/station/<path:object_id>/          admin    admin    admin    admin    change   change   change

# The station's rooms, bays, hours, closures, officers, shifts and absences: its own staff
admin:stations_room_changelist                    admin    admin    admin    admin    200      200      200
admin:stations_room_add                           admin    admin    admin    admin    200      200      200
admin:stations_room_history                       admin    admin    admin    admin    200      404      200
admin:stations_room_delete                        admin    admin    admin    admin    200      404      200
admin:stations_room_change                        admin    admin    admin    admin    200      404      200
admin/stations/room/<path:object_id>/             admin    admin    admin    admin    change   change   change
admin:stations_parkingbay_changelist              admin    admin    admin    admin    200      200      200
admin:stations_parkingbay_add                     admin    admin    admin    admin    200      200      200
admin:stations_parkingbay_history                 admin    admin    admin    admin    200      404      200
admin:stations_parkingbay_delete                  admin    admin    admin    admin    200      404      200
admin:stations_parkingbay_change                  admin    admin    admin    admin    200      404      200
admin/stations/parkingbay/<path:object_id>/       admin    admin    admin    admin    change   change   change
admin:stations_exchangezone_changelist            admin    admin    admin    admin    200      200      200
admin:stations_exchangezone_add                   admin    admin    admin    admin    200      200      200
admin:stations_exchangezone_history               admin    admin    admin    admin    200      404      200
admin:stations_exchangezone_delete                admin    admin    admin    admin    200      404      200
admin:stations_exchangezone_change                admin    admin    admin    admin    200      404      200
admin/stations/exchangezone/<path:object_id>/     admin    admin    admin    admin    change   change   change
admin:stations_openinghours_changelist            admin    admin    admin    admin    200      200      200
admin:stations_openinghours_add                   admin    admin    admin    admin    200      200      200
admin:stations_openinghours_history               admin    admin    admin    admin    200      404      200
admin:stations_openinghours_delete                admin    admin    admin    admin    200      404      200
admin:stations_openinghours_change                admin    admin    admin    admin    200      404      200
admin/stations/openinghours/<path:object_id>/     admin    admin    admin    admin    change   change   change
admin:stations_closure_changelist                 admin    admin    admin    admin    200      200      200
admin:stations_closure_add                        admin    admin    admin    admin    200      200      200
admin:stations_closure_history                    admin    admin    admin    admin    200      404      200
admin:stations_closure_delete                     admin    admin    admin    admin    200      404      200
admin:stations_closure_change                     admin    admin    admin    admin    200      404      200
admin/stations/closure/<path:object_id>/          admin    admin    admin    admin    change   change   change
admin:stations_officer_changelist                 admin    admin    admin    admin    200      200      200
admin:stations_officer_add                        admin    admin    admin    admin    200      200      200
admin:stations_officer_history                    admin    admin    admin    admin    200      404      200
admin:stations_officer_delete                     admin    admin    admin    admin    200      404      200
admin:stations_officer_change                     admin    admin    admin    admin    200      404      200
admin/stations/officer/<path:object_id>/          admin    admin    admin    admin    change   change   change
admin:stations_shift_changelist                   admin    admin    admin    admin    200      200      200
admin:stations_shift_add                          admin    admin    admin    admin    200      200      200
admin:stations_shift_history                      admin    admin    admin    admin    200      404      200
admin:stations_shift_delete                       admin    admin    admin    admin    200      404      200
admin:stations_shift_change                       admin    admin    admin    admin    200      404      200
admin/stations/shift/<path:object_id>/            admin    admin    admin    admin    change   change   change
admin:stations_officerabsence_changelist          admin    admin    admin    admin    200      200      200
admin:stations_officerabsence_add                 admin    admin    admin    admin    200      200      200
admin:stations_officerabsence_history             admin    admin    admin    admin    200      404      200
admin:stations_officerabsence_delete              admin    admin    admin    admin    200      404      200
admin:stations_officerabsence_change              admin    admin    admin    admin    200      404      200
admin/stations/officerabsence/<path:object_id>/   admin    admin    admin    admin    change   change   change

# Bookings: made by buyers, ended through the services, never added or deleted in the admin. The desk,
# schedule (?station=paris-11) and statistics (?station=paris-11) are the station's own
admin:bookings_booking_desk                       admin    admin    admin    admin    200      200      200
admin:bookings_booking_desk_booking               admin    admin    admin    admin    200      404      200
admin:bookings_booking_schedule                   admin    admin    admin    admin    200      404      200
admin:bookings_booking_statistics                 admin    admin    admin    admin    200      404      200
admin:bookings_booking_changelist                 admin    admin    admin    admin    200      200      200
admin:bookings_booking_add                        admin    admin    admin    admin    403      403      403
admin:bookings_booking_history                    admin    admin    admin    admin    200      404      200
admin:bookings_booking_delete                     admin    admin    admin    admin    403      404      403
admin:bookings_booking_change                     admin    admin    admin    admin    200      404      200
admin/bookings/booking/<path:object_id>/          admin    admin    admin    admin    change   change   change

# The audit trail: written by the services only
admin:bookings_bookingevent_changelist            admin    admin    admin    admin    200      200      200
admin:bookings_bookingevent_add                   admin    admin    admin    admin    403      403      403
admin:bookings_bookingevent_history               admin    admin    admin    admin    200      404      200
admin:bookings_bookingevent_delete                admin    admin    admin    admin    403      404      403
admin:bookings_bookingevent_change                admin    admin    admin    admin    200      404      200
admin/bookings/bookingevent/<path:object_id>/     admin    admin    admin    admin    change   change   change

# Lifted booking bans stay on record
admin:bookings_bookingbanlift_changelist          admin    admin    admin    admin    200      200      200
admin:bookings_bookingbanlift_add                 admin    admin    admin    admin    200      200      200
admin:bookings_bookingbanlift_history             admin    admin    admin    admin    200      404      200
admin:bookings_bookingbanlift_delete              admin    admin    admin    admin    403      404      403
admin:bookings_bookingbanlift_change              admin    admin    admin    admin    200      404      200
admin/bookings/bookingbanlift/<path:object_id>/   admin    admin    admin    admin    change   change   change

# The partner API: a partner key (Authorization: Bearer), never a session; its schema and docs are public.
# The proposal link opens the signed-in buyer's wizard; without its values it goes home
api-v1:api-root                                   404      404      404      404      404      404      404
api-v1:openapi-json                               200      200      200      200      200      200      200
api-v1:openapi-view                               200      200      200      200      200      200      200
api-v1:stations                                   401      401      401      401      401      401      401
api-v1:station                                    401      401      401      401      401      401      401
api-v1:slots                                      401      401      401      401      401      401      401
api-v1:charter                                    405      405      405      405      405      405      405
api-v1:proposal                                   405      405      405      405      405      405      405
api-v1:webhook_secret                             405      405      405      405      405      405      405
api-proposal-open                                 home     home     home     home     home     home     home
# The signed-in buyer's own bookings (the site's session, never a partner key); a cancel is a POST
api-v1:my_bookings                                401      200      200      401      200      200      200
api-v1:my_booking_cancel                          405      405      405      405      405      405      405

# Partner keys, the bookings that came through them and the webhook log: the prefecture's administrator
# only; keys are revoked, never deleted, and the rest is read-only
admin:api_partnerkey_changelist                   admin    admin    admin    admin    403      403      200
admin:api_partnerkey_add                          admin    admin    admin    admin    403      403      200
admin:api_partnerkey_history                      admin    admin    admin    admin    403      403      200
admin:api_partnerkey_delete                       admin    admin    admin    admin    403      403      403
admin:api_partnerkey_change                       admin    admin    admin    admin    403      403      200
admin/api/partnerkey/<path:object_id>/            admin    admin    admin    admin    change   change   change
admin:api_partnerbooking_changelist               admin    admin    admin    admin    403      403      200
admin:api_partnerbooking_add                      admin    admin    admin    admin    403      403      403
admin:api_partnerbooking_history                  admin    admin    admin    admin    403      403      200
admin:api_partnerbooking_delete                   admin    admin    admin    admin    403      403      403
admin:api_partnerbooking_change                   admin    admin    admin    admin    403      403      200
admin/api/partnerbooking/<path:object_id>/        admin    admin    admin    admin    change   change   change
admin:api_webhookdelivery_changelist              admin    admin    admin    admin    403      403      200
admin:api_webhookdelivery_add                     admin    admin    admin    admin    403      403      403
admin:api_webhookdelivery_history                 admin    admin    admin    admin    403      403      200
admin:api_webhookdelivery_delete                  admin    admin    admin    admin    403      403      403
admin:api_webhookdelivery_change                  admin    admin    admin    admin    403      403      200
admin/api/webhookdelivery/<path:object_id>/       admin    admin    admin    admin    change   change   change

# Development only (DEBUG and the mailbox backend): it lists password-reset and seller links, so from
# another machine only a superuser reads it
dev-mailbox                                       404      404      404      404      404      404      200
"""


def _parse(table):
    rows = {}
    for line in table.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, *answers = line.split()
        assert key not in rows, f"two rows for {key}"
        assert len(answers) == len(ROLES), f"{key}: {len(answers)} answers for {len(ROLES)} roles"
        rows[key] = Access(*(ANSWERS[answer] for answer in answers))
    return rows


MATRIX = _parse(TABLE)


# --- the URLconf under test, and the patterns only DEBUG mounts ---------------------------------


def _debug_only_urls():
    """Patterns config.urls adds under the embedded default's settings (config.settings.local)."""
    name = "tests._matrix_debug_urls"
    with override_settings(DEBUG=True, DEV_MAILBOX_DIR="/nonexistent"):
        try:
            debug = project_urls(fresh_urlconf(name))
        finally:
            sys.modules.pop(name, None)
    return {key: route for key, route in debug.items() if key not in URLS}


URLS = project_urls()
DEBUG_ONLY = _debug_only_urls()


@pytest.fixture
def embedded_defaults(settings, tmp_path, monkeypatch):
    """The settings of `make run`: DEBUG on, mail kept on disk and listed at /dev/mail/."""
    settings.DEBUG = True
    settings.DEV_MAILBOX_DIR = tmp_path
    name = "tests._matrix_embedded_urls"
    monkeypatch.setitem(sys.modules, name, None)  # removed again after the test
    fresh_urlconf(name)
    settings.ROOT_URLCONF = name


# --- the cast and the checks --------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _midday_in_paris(time_machine):
    # Before any fixture writes a row: the station's "today" and the bookings' days do not
    # depend on the hour of the run.
    time_machine.move_to(datetime(2026, 3, 10, 11, 0, tzinfo=UTC), tick=True)


@pytest.fixture
def world(buyer, other_buyer, paris_11, paris_13, charter):
    return build_world(buyer_a=buyer, buyer_b=other_buyer, paris_11=paris_11, paris_13=paris_13, charter=charter)


@pytest.fixture
def clients(buyer, other_buyer, staff_11e, staff_13e):
    users = {"buyer_a": buyer, "buyer_b": other_buyer, "staff_11e": staff_11e, "staff_13e": staff_13e}
    users["superuser"] = factories.UserFactory(email="root@prefecture.example", is_staff=True, is_superuser=True)
    clients = {}
    for role in ROLES:
        # From another machine: the development mailbox answers the loopback address.
        clients[role] = Client(REMOTE_ADDR="203.0.113.7")
        if role in users:
            clients[role].force_login(users[role])
    return clients


# What a GET may write: the visitor's session, and their own booking wizard's draft (the priority
# rebooking link fills it in).
MAY_CHANGE_ON_GET = {"sessions.Session", "bookings.BookingDraft"}


def database_rows():
    return every_row(but=MAY_CHANGE_ON_GET)


# Links that are themselves the right to read what they show: whoever holds buyer A's genuine link
# sees buyer A's booking (or address). other_seller, who could only forge one, sees nothing.
BEARER_LINKS = {
    "bookings:seller-invite",
    "bookings:seller-cancel",
    "bookings:seller-move",
    "bookings:seller-qr",
    "bookings:seller-calendar",
    "bookings:proposal-seller",
    "bookings:proposal-take",
    "account_confirm_email",
}
# Roles with no business with buyer A's booking or paris-11's roster.
OUTSIDERS = ("anonymous", "buyer_b", "other_seller", "staff_13e")
REFUSALS = {ANSWERS[answer] for answer in ("login", "admin", "403", "404")}
# Every confirmation a page may ask for, given at once: a refusal comes before the form is read.
POSTED = {"action": "accept", "post": "yes", "confirm": "yes", "apply": "1", "reason": "Essai", "note": "Essai"}


def _secrets(world):
    """Buyer A's reference, address and seller, paris-11's officer: as whole words (other.buyer@ is not buyer@)."""
    officer = world.admin_objects["stations.officer"]
    secrets = (world.booking.reference, world.booking.seller_email, world.booking.buyer.email, officer.badge_number)
    return {secret: re.compile(rf"(?<![\w.+-]){re.escape(secret)}(?![\w-])") for secret in secrets}


def _answer(response):
    if response.status_code in (301, 302):
        return f"{response.status_code}→{urlsplit(response['Location']).path}"
    return response.status_code


def _matches(expected, response, url):
    if isinstance(expected, Redirect):
        return response.status_code == 302 and expected.matches(urlsplit(response["Location"]).path, url)
    return response.status_code == expected


def test_every_url_of_the_project_has_a_row():
    known = set(URLS) | set(DEBUG_ONLY)
    assert not sorted(known - set(MATRIX)), f"say in TABLE who may open: {sorted(known - set(MATRIX))}"
    assert not sorted(set(MATRIX) - known), f"rows naming no URL of the project: {sorted(set(MATRIX) - known)}"


@pytest.mark.parametrize("key", sorted(URLS) + sorted(DEBUG_ONLY))
def test_who_may_open_each_page(key, world, clients, request):
    assert key in MATRIX, f"{key} has no row in TABLE"
    if key in DEBUG_ONLY:
        request.getfixturevalue("embedded_defaults")
    route = DEBUG_ONLY[key] if key in DEBUG_ONLY else URLS[key]
    expected, secrets = MATRIX[key], _secrets(world)
    before = database_rows()

    wrong, leaks = [], []
    for role in ROLES:
        url = url_for(key, route, world, role)
        response = clients[role].get(url)
        if not _matches(getattr(expected, role), response, url):
            wrong.append(f"{role}: expected {getattr(expected, role)!r}, got {_answer(response)}")
        if role in OUTSIDERS and not (key in BEARER_LINKS and role != "other_seller"):
            body = body_of(response)
            leaks += [f"{role} reads {secret}" for secret, pattern in secrets.items() if pattern.search(body)]
    assert not wrong, f"{key} ({url_for(key, route, world, 'anonymous')}):\n" + "\n".join(wrong)
    assert not leaks, f"{key}: " + ", ".join(leaks)
    assert database_rows() == before, f"a GET of {key} changed the database"
    assert mail.outbox == []

    # A page refused to a role by GET is refused by POST as well, and nothing changes.
    for role in ROLES:
        if getattr(expected, role) in REFUSALS:
            url = url_for(key, route, world, role)
            response = clients[role].post(url, POSTED)
            assert _matches(getattr(expected, role), response, url), f"POST {key} as {role}: {_answer(response)}"
    assert database_rows() == before, f"a refused POST to {key} changed the database"
    assert mail.outbox == []
