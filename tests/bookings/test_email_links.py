"""Typed text never becomes a link in an email (bookings.mailtext), and the invitation says who sent it."""

import re
import zoneinfo
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from bookings.emails import unstaffed_alert_email
from bookings.mailtext import defang
from bookings.models import CancelCause
from bookings.reminders import reminder_email
from bookings.schedule import schedule_send
from bookings.services import Actor, booking_accept, booking_cancel, booking_create, booking_decline, booking_expire
from tests.factories import SELLER_NAMES

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)  # Wednesday 08:00 in Paris, before any fixture runs
FRIDAY = date(2026, 6, 12)

EVIL = "iPhone — see https://evil.example/pay and www.evil.example, pay@evil.example"
# What a mail client would turn into a link: a scheme, "www.", an email address, a domain.
URL_LIKE = re.compile(
    r"""(?ix)
    \b[a-z][a-z0-9+.\-]*://[^\s<>"']+
    | \bwww\.[^\s<>"']+
    | [\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+
    | \b(?:[\w\-]+\.)+[a-z]{2,}\b
    """
)
SAFETY = (
    "The police station and Safe Exchange never ask you for a payment, a code or bank details, by email, "
    "text message or phone: whoever asks is not us."
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _at(hour):
    return datetime.combine(FRIDAY, datetime.min.time().replace(hour=hour), PARIS)


def _book(buyer, station, hour, **extra):
    values = {"item_title": EVIL, "seller_email": "seller@example.net", "seller_name": "Bob, see evil.example"}
    return booking_create(buyer=buyer, station=station, starts_at=_at(hour), **(values | extra))


def _texts(message):
    """Everything a reader's software shows of a message: subject, text, HTML and calendar attachments."""
    texts = [message.subject, message.body, *(alternative.content for alternative in message.alternatives)]
    for attachment in message.attachments:
        if attachment.mimetype == "text/calendar":
            content = attachment.content
            content = content.decode() if isinstance(content, bytes) else content
            texts.append(content.replace("\r\n ", ""))  # unfold iCalendar lines
    return texts


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        (EVIL, "iPhone — see hxxps[:]//evil[.]example/pay and www[.]evil[.]example, pay[at]evil[.]example"),
        ("HTTP://EVIL.EXAMPLE", "HXXP[:]//EVIL[.]EXAMPLE"),
        ("ftp://files.example", "fxp[:]//files[.]example"),
        ("javascript://evil", "javascript[:]//evil"),
        ("evil\u200b.example", "evil[.]example"),  # a zero-width space hides nothing
        ("evil。example and evil．example", "evil[.]example and evil[.]example"),
        ("pay＠evil", "pay[at]evil"),
        ("10.0.0.1/pay", "10[.]0[.]0[.]1/pay"),
        ("été.fr", "été[.]fr"),
        ("Bob\n\nPay your deposit now", "Bob Pay your deposit now"),  # no paragraph of its own
        ("Vélo 12.50 € v2.0, Zoé L'Hôte <b>", "Vélo 12.50 € v2.0, Zoé L'Hôte <b>"),  # plain text untouched
        (None, ""),
    ],
)
def test_typed_text_is_defanged_but_readable(typed, shown):
    assert defang(typed) == shown


def test_no_email_about_a_booking_carries_a_link_from_typed_text(
    buyer, paris_11, officer, charter, staff_11e, django_capture_on_commit_callbacks
):
    evil_note = "Pay the deposit at https://evil.example/deposit or pay@evil.example"
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = _book(buyer, paris_11, 10, vehicle_plate="")  # invitation, booking requested
    with django_capture_on_commit_callbacks(execute=True):
        booking_accept(**SELLER_NAMES, booking=confirmed, charter_version=charter)  # confirmed (both), officer assigned
    confirmed.refresh_from_db()
    reminder_email(booking=confirmed, party="buyer", lead_minutes=120)
    reminder_email(booking=confirmed, party="seller", lead_minutes=24 * 60)
    unstaffed_alert_email(booking=confirmed, recipients=[staff_11e.email])
    with time_machine.travel(datetime.combine(FRIDAY, datetime.min.time().replace(hour=7, minute=5), PARIS)):
        assert schedule_send(station_id=paris_11.pk, day=FRIDAY) == 1  # the staff's daily schedule
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=confirmed, role=Actor.BUYER, user=buyer, reason=evil_note)  # cancelled, released
    with django_capture_on_commit_callbacks(execute=True):
        declined = _book(buyer, paris_11, 11, seller_email="seller11@example.net")
        booking_decline(booking=declined, note=evil_note)
    with django_capture_on_commit_callbacks(execute=True):
        closed = _book(buyer, paris_11, 12, seller_email="seller12@example.net")
        booking_cancel(
            booking=closed, role=Actor.STAFF, user=staff_11e, reason=evil_note, cause=CancelCause.CLOSURE
        )  # the station's apology
    with django_capture_on_commit_callbacks(execute=True):
        expiring = _book(buyer, paris_11, 13, seller_email="seller13@example.net")
        booking_expire(booking=expiring, now=expiring.hold_expires_at)

    subjects = " | ".join(message.subject for message in mail.outbox)
    for kind in (
        "Meet your buyer",
        "waiting for the seller",
        "Confirmed:",
        "Assignment:",
        "Reminder:",
        "No officer available",
        "exchange on",
        "is cancelled",
        "Cancelled: exchange",
        "the seller declined",
        "our apologies",
        "has expired",
    ):
        assert kind in subjects
    assert any(attachment.mimetype == "text/calendar" for message in mail.outbox for attachment in message.attachments)
    for message in mail.outbox:
        for text in _texts(message):
            links = [token for token in URL_LIKE.findall(text) if "evil" in token.lower()]
            assert not links, (message.subject, links)
        # The typed text is there, defanged: the check above is not vacuous.
        assert "evil[.]example" in message.body, message.subject


def test_the_invitation_says_who_invited_and_that_nobody_asks_for_a_payment(
    buyer, paris_11, officer, charter, django_capture_on_commit_callbacks
):
    buyer.first_name, buyer.last_name = "Alex", "Martin"
    buyer.save()
    for language in ("en", "fr"):
        mail.outbox.clear()
        # Before the seller chose a language, the invitation is in the station's (bookings.languages).
        paris_11.language = language
        paris_11.save(update_fields=["language"])
        with django_capture_on_commit_callbacks(execute=True):
            booking = _book(buyer, paris_11, 10 if language == "en" else 11, language=language)
        invite = next(message for message in mail.outbox if message.to == ["seller@example.net"])
        html = invite.alternatives[0].content
        with translation.override(language):
            safety = gettext(SAFETY)
        assert safety in invite.body
        assert safety.replace("'", "&#x27;") in html
        for text in (invite.body, html):
            assert "Alex Martin (buyer@example.org)" in text
        booking_cancel(booking=booking, role=Actor.BUYER, user=buyer, reason="Plus besoin")


def test_an_invitation_from_a_buyer_without_a_name_gives_the_address(
    buyer, paris_11, officer, charter, django_capture_on_commit_callbacks
):
    buyer.first_name = buyer.last_name = ""
    buyer.save()
    with django_capture_on_commit_callbacks(execute=True):
        _book(buyer, paris_11, 10)

    invite = next(message for message in mail.outbox if message.to == ["seller@example.net"])
    assert "The buyer buyer@example.org proposes" in invite.body
    assert SAFETY in invite.body


def test_html_emails_still_escape_typed_text(buyer, paris_11, officer, charter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _book(buyer, paris_11, 10, item_title="Sac <b>vintage</b> http://x.example")

    invite = next(message for message in mail.outbox if message.to == ["seller@example.net"])
    assert "Sac &lt;b&gt;vintage&lt;/b&gt; hxxp[:]//x[.]example" in invite.alternatives[0].content
    assert "Sac <b>vintage</b> hxxp[:]//x[.]example" in invite.body
