"""French translations: the catalog is complete, the committed .mo matches it, and pages and emails use it.

locale/fr/LC_MESSAGES/django.po is the source; django.mo is committed so that a fresh
machine needs no gettext. Refresh both with:

    python manage.py makemessages -l fr --ignore=.venv --ignore=var --ignore=tests --no-location
    python manage.py compilemessages --ignore=.venv
"""

import ast
import gettext as gnu_gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from bookings.emails import send_templated_email
from bookings.selectors import station_free_slots
from bookings.services import booking_create
from stations.models import SpaceKind

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]")

# Wednesday 10:00 in Paris, far from midnight and from a daylight saving change: the emails'
# bookings take the first free slot from the clock, and their dates are checked in the text.
NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


# --- a small .po reader ------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def translations(self) -> list[str]:
        return list(self.msgstr_plural.values()) if self.msgid_plural is not None else [self.msgstr]


def _read_po(path: Path) -> list[Entry]:
    """Every entry of a .po file, the header (msgid "") included."""
    entries = []
    for block in re.split(r"\n[ \t]*\n", path.read_text(encoding="utf-8").strip()):
        entry, target = Entry(), None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
            elif line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                _append(entry, target, ast.literal_eval(line))
            else:
                keyword, _space, value = line.partition(" ")
                target = keyword
                _append(entry, target, ast.literal_eval(value), first=True)
        entries.append(entry)
    return entries


def _append(entry: Entry, target: str, text: str, *, first: bool = False) -> None:
    plural = re.fullmatch(r"msgstr\[(\d+)\]", target)
    if plural:
        index = int(plural.group(1))
        entry.msgstr_plural[index] = ("" if first else entry.msgstr_plural[index]) + text
    else:
        attribute = target
        setattr(entry, attribute, ("" if first else getattr(entry, attribute) or "") + text)


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    return _read_po(PO_FILE)


@pytest.fixture(scope="module")
def messages(po_entries) -> list[Entry]:
    """The translatable entries: no header, no obsolete ones."""
    return [entry for entry in po_entries if entry.msgid and not entry.obsolete]


def _header(po_entries) -> str:
    return next(entry for entry in po_entries if entry.msgid == "").msgstr


def _nplurals(po_entries) -> int:
    return int(re.search(r"nplurals\s*=\s*(\d+)", _header(po_entries)).group(1))


def _plural_index(po_entries):
    """The .po's own plural rule: a count to the index of its msgstr[]."""
    return gnu_gettext.c2py(re.search(r"plural\s*=\s*([^;]+);", _header(po_entries)).group(1))


# --- (a) the catalog is complete ---------------------------------------------------------------


def test_the_catalog_exists_and_has_messages(messages):
    assert MO_FILE.exists(), "compile the catalog: python manage.py compilemessages --ignore=.venv"
    assert len(messages) > 100


def test_no_entry_is_left_untranslated(messages, po_entries):
    nplurals = _nplurals(po_entries)
    untranslated = [
        entry.msgid
        for entry in messages
        if not all(entry.translations)
        or (entry.msgid_plural is not None and sorted(entry.msgstr_plural) != list(range(nplurals)))
    ]
    assert untranslated == []


def test_no_entry_is_fuzzy(po_entries):
    assert [entry.msgid for entry in po_entries if "fuzzy" in entry.flags] == []


def test_no_obsolete_entries_linger(po_entries):
    assert [entry.msgid for entry in po_entries if entry.obsolete] == []


def test_translations_keep_the_placeholders(messages):
    wrong = []
    for entry in messages:
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        expected = {placeholder for source in sources for placeholder in PLACEHOLDER.findall(source)}
        for text in entry.translations:
            if set(PLACEHOLDER.findall(text)) != expected:
                wrong.append((entry.msgid, text))
    assert wrong == []


def test_the_header_names_french_and_its_plural_forms(po_entries):
    header = _header(po_entries)
    assert "Language: fr\n" in header
    assert "charset=UTF-8" in header
    assert "Plural-Forms: nplurals=" in header


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("This slot was just taken, pick another.", "Ce créneau vient d’être réservé, veuillez en choisir un autre."),
        ("Charter of forbidden items", "Charte des objets interdits"),
        ("Parking bay", "Place de stationnement"),
        ("Room", "Salle"),
        ("Cancel the booking", "Annuler la réservation"),
        ("Reference", "Référence"),
        ("Seller", "Vendeur"),
        ("Participating stations", "Commissariats participants"),
    ],
)
def test_key_strings_are_french(english, french):
    with translation.override("fr"):
        assert translation.gettext(english) == french
    with translation.override("en"):
        assert translation.gettext(english) == english


def test_plural_forms_follow_french_rules():
    singular, plural = "%(count)d booking cancelled.", "%(count)d bookings cancelled."
    with translation.override("fr"):
        assert translation.ngettext(singular, plural, 0) % {"count": 0} == "0 réservation annulée."
        assert translation.ngettext(singular, plural, 1) % {"count": 1} == "1 réservation annulée."
        assert translation.ngettext(singular, plural, 2) % {"count": 2} == "2 réservations annulées."


# --- (a') every string of the code and the templates is in the catalog ------------------------

# What the refresh command above leaves out, and what is no source of messages.
NOT_SCANNED = {".git", ".venv", "var", "tests", "locale", "node_modules", ".ruff_cache", ".mypy_cache", "db.sqlite3"}


def _fresh_catalog(tmp_path: Path, monkeypatch) -> Path:
    """makemessages run on the project as it is, into a temporary folder: the repository's catalog is untouched.

    makemessages writes beside the first `locale` folder it walks into, so it walks a
    tree of links to the project's sources that has none, with LOCALE_PATHS pointing there.
    """
    tree = tmp_path / "project"
    tree.mkdir()
    for entry in Path(settings.BASE_DIR).iterdir():
        if entry.name not in NOT_SCANNED and not entry.name.startswith("."):
            (tree / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    locale = tree / "locale"
    monkeypatch.chdir(tree)
    with override_settings(LOCALE_PATHS=[str(locale)]):
        call_command("makemessages", locale=["fr"], symlinks=True, no_location=True, verbosity=0)
    return locale / "fr" / "LC_MESSAGES" / "django.po"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_every_string_of_the_templates_and_the_code_is_in_the_french_catalog(tmp_path, monkeypatch, messages):
    """Fails with the msgids that a template or a module marks for translation and the catalog lacks."""
    fresh = _fresh_catalog(tmp_path, monkeypatch)
    assert fresh.exists(), "makemessages made no catalog"
    known = {(entry.msgctxt, entry.msgid) for entry in messages}
    wanted = {(entry.msgctxt, entry.msgid) for entry in _read_po(fresh) if entry.msgid and not entry.obsolete}
    assert len(wanted) > 100, "makemessages found almost nothing: is the project tree right?"
    missing = sorted(wanted - known, key=lambda key: (key[1], key[0] or ""))
    assert missing == [], (
        "missing from locale/fr/LC_MESSAGES/django.po (run makemessages, then translate):\n"
        + "\n".join(f"  {msgid!r}" + (f" (context {context!r})" if context else "") for context, msgid in missing)
    )


# --- (d) the committed .mo is up to date -------------------------------------------------------


def test_django_serves_every_translation_of_the_po(messages, po_entries):
    """Fails when the .po was edited and the .mo not recompiled (or not committed)."""
    plural_index = _plural_index(po_entries)
    stale = []
    with translation.override("fr"):
        for entry in messages:
            if entry.msgctxt is not None:
                served = [translation.pgettext(entry.msgctxt, entry.msgid)]
                expected = [entry.msgstr]
            elif entry.msgid_plural is None:
                served = [translation.gettext(entry.msgid)]
                expected = [entry.msgstr]
            else:
                # 1: singular; 2: the ordinary plural; 1000000: the plural of large round numbers.
                counts = (1, 2, 1_000_000)
                served = [translation.ngettext(entry.msgid, entry.msgid_plural, n) for n in counts]
                expected = [entry.msgstr_plural[plural_index(n)] for n in counts]
            if served != expected:
                stale.append((entry.msgid, expected, served))
    assert stale == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_the_committed_mo_is_what_msgfmt_makes_of_the_po(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(PO_FILE)], check=True)  # noqa: S603, S607
    with fresh.open("rb") as compiled, MO_FILE.open("rb") as committed:
        expected = gnu_gettext.GNUTranslations(compiled)._catalog
        actual = gnu_gettext.GNUTranslations(committed)._catalog
    missing = sorted(str(key) for key in expected.keys() - actual.keys())
    changed = sorted(str(key) for key in expected.keys() & actual.keys() if expected[key] != actual[key])
    assert (missing, changed) == ([], []), "run: python manage.py compilemessages --ignore=.venv"


# --- (b) pages follow the browser's language ---------------------------------------------------


@pytest.mark.django_db
def test_home_page_is_french_for_a_french_browser(client, paris_11):
    response = client.get(reverse("stations:home"), HTTP_ACCEPT_LANGUAGE="fr")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in body
    assert "Trouver un commissariat" in body
    assert "Commissariats participants" in body
    assert "Charte des objets interdits" in body
    assert "Find a station" not in body
    assert "police station" not in body


@pytest.mark.django_db
def test_home_page_is_english_for_an_english_browser(client, paris_11):
    response = client.get(reverse("stations:home"), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in body
    assert "Find a station" in body
    assert "Participating stations" in body
    assert "Trouver un commissariat" not in body


# --- (c) emails are sent in the booking's language ---------------------------------------------


def _first_free_slot(station):
    today = timezone.localdate(timezone.now(), station.zone)
    slots = station_free_slots(
        station=station, kind=SpaceKind.ROOM, first_day=today, last_day=today + timedelta(days=7)
    )
    return slots[0]


def _book(buyer, station, seller, language, capture):
    slot = _first_free_slot(station)
    with capture(execute=True):
        booking = booking_create(
            buyer=buyer,
            station=station,
            starts_at=slot.starts_at,
            item_title="Vélo de course",
            language=language,
            **seller,
        )
    return booking


def _squash(text: str) -> str:
    """Whitespace as a mail subject line carries it: runs of spaces, non-breaking ones included, made one."""
    return " ".join(text.split())


@pytest.mark.django_db
def test_a_french_booking_sends_french_emails(
    paris_11, officer, buyer, seller, charter, django_capture_on_commit_callbacks
):
    # The seller, who has not opened the invitation yet, reads the station's language.
    paris_11.language = "fr"
    paris_11.save(update_fields=["language"])
    booking = _book(buyer, paris_11, seller, "fr", django_capture_on_commit_callbacks)

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {buyer.email, seller["seller_email"]}
    to_buyer, to_seller = by_recipient[buyer.email], by_recipient[seller["seller_email"]]
    assert _squash(to_buyer.subject) == f"Réservation {booking.reference} : en attente du vendeur"
    assert _squash(to_seller.subject) == (
        f"Rencontrer votre acheteur au {paris_11.name} ? Merci de répondre ({booking.reference})"
    )
    assert to_buyer.body.startswith("Bonjour,")
    assert to_seller.body.startswith(f"Bonjour {seller['seller_name']},")
    # Day and month names come from Django's own French locale.
    with translation.override("fr"):
        when = date_format(booking.local_starts_at, "l j F Y")
    assert when in to_buyer.body and when in to_seller.body
    assert "Salle" in to_seller.body and "Référence" in to_seller.body


@pytest.mark.django_db
def test_an_english_booking_sends_english_emails(
    paris_11, officer, buyer, seller, charter, django_capture_on_commit_callbacks
):
    booking = _book(buyer, paris_11, seller, "en", django_capture_on_commit_callbacks)

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[buyer.email] == f"Booking {booking.reference}: waiting for the seller"
    assert subjects[seller["seller_email"]].startswith(f"Meet your buyer at {paris_11.name}?")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "template",
    [
        "seller-invite",
        "booking-requested",
        "booking-confirmed",
        "booking-declined",
        "booking-expired",
        "booking-cancelled",
    ],
)
def test_every_booking_email_subject_is_translated(
    template, paris_11, officer, buyer, seller, charter, django_capture_on_commit_callbacks
):
    booking = _book(buyer, paris_11, seller, "fr", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    context = {
        "booking": booking,
        "event": booking.events.first(),
        "station": booking.station,
        "starts_at": booking.local_starts_at,
        "ends_at": booking.local_ends_at,
        "site_url": "https://example.org",
        "seller_url": "https://example.org/seller",
        "buyer_url": "https://example.org/buyer",
        "charter": charter,
        "party": "buyer",
    }
    for language in ("en", "fr"):
        send_templated_email(template=template, to=[buyer.email], context=context, language=language)
    english, french = mail.outbox
    assert booking.reference in french.subject
    assert french.subject != english.subject
    assert french.body.startswith("Bonjour") and english.body.startswith("Hello")
