"""Each party in their own language (issue 12, point 8): bookings.languages, the seller's language
buttons, station texts in French and English, times by station locale, the service's name.

French assertions go through gettext (`_fr`) so that they hold whatever the catalogue says.
"""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from accounts.models import User
from bookings.forms import SlotForm
from bookings.languages import buyer_language, seller_language
from bookings.links import seller_cancel_path, seller_invite_path
from bookings.models import Booking, BookingStatus
from bookings.reminders import reminder_email
from bookings.selectors import station_free_slots
from bookings.services import booking_create
from stations.clock import clock_time, station_datetime
from stations.models import SpaceKind, Station
from tests import factories
from tests.charter_forms import seller_accepted

pytestmark = pytest.mark.django_db

# Wednesday 10:00 in Paris (01:00 at Kennewick), far from a daylight saving change.
NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned_clock():
    # The override puts back the language active before the test: a request here activates
    # French (LocaleMiddleware, the seller's pages), and the next test must not inherit it.
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def _fr(text: str) -> str:
    with translation.override("fr"):
        return translation.gettext(text)


def _book(buyer, station, seller, *, language, capture) -> Booking:
    today = timezone.localdate(timezone.now(), station.zone)
    slot = station_free_slots(
        station=station, kind=SpaceKind.ROOM, first_day=today, last_day=today + timedelta(days=7)
    )[0]
    with capture(execute=True):
        return booking_create(
            buyer=buyer,
            station=station,
            starts_at=slot.starts_at,
            item_title="Vélo de course",
            language=language,
            **seller,
        )


def _mail_to(address: str):
    return [message for message in mail.outbox if message.to == [address]]


@pytest.fixture
def french_station(paris_11):
    paris_11.language = "fr"
    paris_11.save(update_fields=["language"])
    return paris_11


# --- the seller reads their own language -------------------------------------------------------


def test_a_paris_seller_with_a_french_browser_gets_french_emails_while_the_english_buyer_gets_english(
    client, paris_11, officer, buyer, seller, charter, django_capture_on_commit_callbacks
):
    # The station's language is English here (the factory's): only the seller's browser can make it French.
    assert paris_11.language == "en"
    booking = _book(buyer, paris_11, seller, language="en", capture=django_capture_on_commit_callbacks)
    mail.outbox.clear()

    page = client.get(seller_invite_path(booking), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert _fr("You are invited to an exchange at a police station") in page.text
    booking.refresh_from_db()
    assert booking.seller_language == "fr"

    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(seller_invite_path(booking), seller_accepted(), HTTP_ACCEPT_LANGUAGE="fr-FR")
    assert accepted.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    (to_seller,) = _mail_to(seller["seller_email"])
    (to_buyer,) = _mail_to(buyer.email)
    assert to_seller.body.startswith(_fr("Hello"))
    assert to_seller.body.startswith("Bonjour")
    assert to_buyer.body.startswith("Hello")
    assert "Confirmed" in to_buyer.subject


def test_before_the_seller_visits_the_invitation_is_in_the_stations_language(
    french_station, officer, buyer, seller, charter, django_capture_on_commit_callbacks
):
    booking = _book(buyer, french_station, seller, language="en", capture=django_capture_on_commit_callbacks)

    (invitation,) = _mail_to(seller["seller_email"])
    (requested,) = _mail_to(buyer.email)
    assert invitation.body.startswith("Bonjour")
    assert requested.body.startswith("Hello")
    assert seller_language(booking) == "fr" and buyer_language(booking) == "en"


def test_a_us_station_defaults_to_english_and_a_french_one_to_french(db):
    kennewick = Station.objects.create(
        name="Commissariat de Kennewick",
        slug="kw",
        address="211 W 6th Ave",
        country="US",
        time_zone="America/Los_Angeles",
    )
    paris = Station.objects.create(name="Commissariat", slug="px", address="Paris")
    assert (kennewick.language, paris.language) == ("en", "fr")
    assert kennewick.uses_12_hour_clock and not paris.uses_12_hour_clock


def test_the_seller_switches_language_on_the_page_and_it_sticks(client, paris_11, buyer, charter):
    booking = factories.BookingFactory(station=paris_11, buyer=buyer, buyer_charter_version=charter)
    url = seller_invite_path(booking)
    client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert Booking.objects.get(pk=booking.pk).seller_language == "fr"

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    switch = reverse("bookings:seller-invite-language", kwargs={"token": url.rstrip("/").rsplit("/", 1)[1]})
    # The navigation bar's language buttons post to the booking's own switch, not to the session's.
    assert f'action="{switch}"' in page.text

    answer = client.post(switch, {"language": "en", "next": "https://evil.example/"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert answer.status_code == 302 and answer.url == url  # back to the page, never to `next`
    assert Booking.objects.get(pk=booking.pk).seller_language == "en"
    # The stored choice wins over the browser's language from now on.
    again = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="en">' in again.text
    assert "You are invited to an exchange at a police station" in again.text


def test_the_cancel_page_has_its_own_switch(client, paris_11, buyer, charter):
    booking = factories.BookingFactory(
        station=paris_11, buyer=buyer, buyer_charter_version=charter, status=BookingStatus.CONFIRMED
    )
    url = seller_cancel_path(booking)
    token = url.rstrip("/").rsplit("/", 1)[1]
    switch = reverse("bookings:seller-cancel-language", kwargs={"token": token})
    assert f'action="{switch}"' in client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
    client.post(switch, {"language": "fr"})
    booking.refresh_from_db()
    assert booking.seller_language == "fr"
    assert '<html lang="fr">' in client.get(url, HTTP_ACCEPT_LANGUAGE="en").text


def test_a_mail_scanner_that_names_no_language_chooses_nothing_and_a_look_changes_no_state(
    client, paris_11, buyer, charter
):
    booking = factories.BookingFactory(station=paris_11, buyer=buyer, buyer_charter_version=charter)
    before = Booking.objects.values_list("status", "updated_at", "seller_language").get(pk=booking.pk)
    page = client.get(seller_invite_path(booking))  # no Accept-Language, no cookie
    assert page.status_code == 200
    assert f'<html lang="{paris_11.language}">' in page.text  # the station's language
    assert Booking.objects.values_list("status", "updated_at", "seller_language").get(pk=booking.pk) == before

    client.get(seller_invite_path(booking), HTTP_ACCEPT_LANGUAGE="fr")
    status, updated_at, language = Booking.objects.values_list("status", "updated_at", "seller_language").get(
        pk=booking.pk
    )
    assert (status, updated_at, language) == (before[0], before[1], "fr")


@pytest.mark.parametrize("language", ["de", "", "fr'><script>"])
def test_an_unknown_language_is_ignored(client, paris_11, buyer, charter, language):
    booking = factories.BookingFactory(station=paris_11, buyer=buyer, buyer_charter_version=charter)
    token = seller_invite_path(booking).rstrip("/").rsplit("/", 1)[1]
    answer = client.post(reverse("bookings:seller-invite-language", kwargs={"token": token}), {"language": language})
    assert answer.status_code == 302
    assert Booking.objects.get(pk=booking.pk).seller_language == ""


def test_a_forged_link_cannot_switch_anything(client, paris_11, buyer, charter):
    booking = factories.BookingFactory(station=paris_11, buyer=buyer, buyer_charter_version=charter)
    token = seller_invite_path(booking).rstrip("/").rsplit("/", 1)[1]
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    answer = client.post(reverse("bookings:seller-invite-language", kwargs={"token": forged}), {"language": "en"})
    assert answer.status_code == 404
    assert Booking.objects.get(pk=booking.pk).seller_language == ""


# --- the buyer's language lives on the account ---------------------------------------------------


def test_sign_up_keeps_the_pages_language_and_the_email_greets_from_the_service(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new.buyer@example.org",
            "first_name": "Alex",
            "last_name": "Martin",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
        },
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_HOST="127.0.0.1",
    )
    assert response.status_code == 302
    assert User.objects.get(email="new.buyer@example.org").language == "en"
    (confirmation,) = mail.outbox
    assert "Safe Exchange" in confirmation.body
    assert "Hello from Safe Exchange" in confirmation.body
    assert "127.0.0.1" not in confirmation.body.split("\n", 1)[0]
    assert "testserver" not in confirmation.body


def test_a_logged_in_buyer_who_switches_language_gets_their_emails_in_it(
    client, paris_11, officer, buyer, seller, charter, django_capture_on_commit_callbacks
):
    client.force_login(buyer)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    buyer.refresh_from_db()
    assert buyer.language == "fr"
    # Booked from an English page, but the account says French: the account wins.
    booking = _book(buyer, paris_11, seller, language="en", capture=django_capture_on_commit_callbacks)
    assert buyer_language(booking) == "fr"
    (requested,) = _mail_to(buyer.email)
    assert requested.body.startswith("Bonjour")


# --- station texts in both languages -----------------------------------------------------------


def test_station_and_space_names_follow_the_active_language_with_a_fallback(client, paris_11):
    paris_11.name_en = "Central police station, 11th arrondissement"
    paris_11.access_notes, paris_11.access_notes_en = "Métro Voltaire.", ""
    paris_11.save()
    room = paris_11.spaces.get(kind=SpaceKind.ROOM)
    room.name, room.name_en = "Salle d'échange 1", "Exchange room 1"
    room.save()

    english = client.get(reverse("stations:detail", args=[paris_11.slug]), HTTP_ACCEPT_LANGUAGE="en").text
    french = client.get(reverse("stations:detail", args=[paris_11.slug]), HTTP_ACCEPT_LANGUAGE="fr").text
    assert "Central police station, 11th arrondissement" in english and paris_11.name not in english
    assert "Exchange room 1" in english and "Salle d&#x27;échange 1" not in english
    assert paris_11.name in french and "Exchange room 1" not in french
    assert "Salle d&#x27;échange 1" in french
    # No English access notes: the French ones rather than nothing.
    assert "Métro Voltaire." in english

    with translation.override("en"):
        assert str(room) == "Exchange room 1 (Room)"
    with translation.override("fr"):
        assert str(room).startswith("Salle d'échange 1 (")


def test_an_english_only_text_is_shown_on_french_pages_too(paris_11):
    paris_11.pressure_message, paris_11.pressure_message_en = "", "Closed for an event."
    with translation.override("fr"):
        assert paris_11.display_pressure_message == "Closed for an event."


def test_the_admin_edits_both_languages_side_by_side(client, staff_11e, paris_11):
    client.force_login(staff_11e)
    page = client.get(reverse("admin:stations_station_change", args=[paris_11.pk]), HTTP_ACCEPT_LANGUAGE="en").text
    for field in ("name", "name_en", "access_notes", "access_notes_en", "pressure_message", "pressure_message_en"):
        assert f'name="{field}"' in page
    # One form row holds the French field and its English twin.
    assert "field-name field-name_en" in page or ("fieldBox field-name" in page and "fieldBox field-name_en" in page)


# --- times by station locale -------------------------------------------------------------------


@pytest.fixture
def kennewick(db):
    station = factories.StationFactory(
        slug="kennewick",
        name="Commissariat de Kennewick",
        name_en="Kennewick Police Department",
        country="US",
        time_zone="America/Los_Angeles",
        language="en",
    )
    bay = factories.SpaceFactory(station=station, kind=SpaceKind.BAY, name="Place 1", name_en="Spot 1")
    return station, bay


def test_kennewick_reads_12_hour_times_in_english_and_24_hour_in_french(kennewick, paris_11):
    station, _bay = kennewick
    nine_pm = datetime(2026, 6, 11, 21, 0, tzinfo=station.zone)
    with translation.override("en"):
        assert clock_time(nine_pm, station) == "9:00 PM"
        assert clock_time(time(9, 0), station) == "9:00 AM"
        # The same instant at a Paris station, in English: 24-hour, in Paris time.
        assert clock_time(nine_pm, paris_11) == "06:00"
        assert station_datetime(nine_pm, station, "l j F") == "Thursday 11 June 9:00 PM"
    with translation.override("fr"):
        assert clock_time(nine_pm, station) == "21:00"


def test_the_slot_picker_labels_kennewick_times_on_the_12_hour_clock(kennewick):
    station, _bay = kennewick
    for weekday in range(7):
        factories.OpeningHoursFactory(station=station, weekday=weekday, opens_at=time(0, 0), closes_at=time(23, 59))
    today = timezone.localdate(timezone.now(), station.zone)
    slots = station_free_slots(station=station, kind=SpaceKind.BAY, first_day=today, last_day=today + timedelta(days=2))
    with translation.override("en"):
        labels = [label for _key, label in SlotForm(slots=slots, station=station).fields["slot"].choices]
    assert "9:00 AM" in labels and "1:30 PM" in labels
    with translation.override("fr"):
        labels = [label for _key, label in SlotForm(slots=slots, station=station).fields["slot"].choices]
    assert "09:00" in labels and "13:30" in labels


def test_a_kennewick_booking_page_shows_12_hour_times(client, kennewick, buyer, charter):
    station, bay = kennewick
    starts_at = datetime(2026, 6, 12, 14, 30, tzinfo=station.zone)
    booking = factories.BookingFactory(
        station=station,
        space=bay,
        buyer=buyer,
        buyer_charter_version=charter,
        starts_at=starts_at,
        status=BookingStatus.CONFIRMED,
    )
    client.force_login(buyer)
    page = client.get(reverse("bookings:detail", args=[booking.reference]), HTTP_ACCEPT_LANGUAGE="en").text
    assert "2:30 PM–3:00 PM" in page
    assert "Kennewick Police Department" in page and "Spot 1" in page


# --- the service's name ------------------------------------------------------------------------


def test_the_admin_is_branded_safe_exchange(client, staff_11e):
    client.force_login(staff_11e)
    for language in ("en", "fr"):
        page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=language).text
        with translation.override(language):
            header = translation.gettext("Safe Exchange administration")
            title = translation.gettext("Station administration")
        assert header in page and title in page
        assert "Django administration" not in page and "Administration de Django" not in page


def test_seed_demo_fills_both_languages(db):
    call_command("seed_demo", quiet=True, force=True)
    for station in Station.objects.all():
        assert station.name and station.name_en, station.slug
        assert station.access_notes and station.access_notes_en, station.slug
        for space in station.spaces.all():
            assert space.name and space.name_en and space.description and space.description_en, space.pk
    kennewick = Station.objects.get(slug="kennewick")
    assert (kennewick.country, kennewick.language) == ("US", "en")
    assert {station.language for station in Station.objects.exclude(slug="kennewick")} == {"fr"}


def test_english_keeps_the_24_hour_clock_outside_us_stations():
    moment = datetime(2026, 6, 11, 8, 0, tzinfo=UTC)
    with translation.override("en"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "June 11, 2026, 08:00"
        assert formats.date_format(moment, "TIME_FORMAT") == "08:00"


def test_reminders_go_to_each_party_in_their_language(paris_11, buyer, charter):
    buyer.language = "en"
    buyer.save(update_fields=["language"])
    booking = factories.BookingFactory(
        station=paris_11,
        buyer=buyer,
        buyer_charter_version=charter,
        status=BookingStatus.CONFIRMED,
        language="fr",  # booked from a French page; the account now says English
        seller_language="fr",
    )
    for party in ("buyer", "seller"):
        reminder_email(booking=booking, party=party, lead_minutes=120)
    to_buyer, to_seller = mail.outbox
    assert to_buyer.to == [buyer.email] and to_buyer.body.startswith("Hello")
    assert to_seller.to == [booking.seller_email] and to_seller.body.startswith("Bonjour")


def test_a_logged_in_buyer_reads_their_accounts_language_until_they_press_a_button(client, buyer, paris_11):
    buyer.language = "fr"
    buyer.save(update_fields=["language"])
    client.force_login(buyer)
    home = client.get(reverse("stations:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="fr">' in home.text
    client.post(reverse("set_language"), {"language": "en", "next": "/"}, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in client.get(reverse("stations:home"), HTTP_ACCEPT_LANGUAGE="fr").text
    buyer.refresh_from_db()
    assert buyer.language == "en"


def test_a_reschedule_email_at_kennewick_says_its_times_on_the_12_hour_clock(kennewick, paris_11):
    station, _bay = kennewick
    old_at = datetime(2026, 6, 12, 14, 30, tzinfo=station.zone)
    context = {"old_at": old_at, "old_station": station, "new_at": old_at + timedelta(hours=2), "new_station": station}
    with translation.override("en"):
        text = render_to_string("emails/_move.txt", context)
    with translation.override("fr"):
        french = render_to_string("emails/_move.txt", context)
    assert "2:30 PM" in text and "4:30 PM" in text
    assert "14:30" in french and "Avant\u202f:" in french  # the French reader's clock and typography
