"""Every booking email: subject, text and HTML templates, built by one helper."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import User

from .calendar_file import booking_calendar_attachment
from .languages import party_language
from .links import seller_cancel_path, seller_invite_path
from .models import Booking, BookingEvent, BookingStatus
from .qr_code import booking_qr_png
from .rebooking import rebooking_path


def send_templated_email(*, template: str, to: list[str], context: dict, language: str, attachments=()) -> None:
    """Render emails/<template>-subject.txt, -body.txt and -body.html in `language` and send them."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{template}-subject.txt", context).split())
        text = render_to_string(f"emails/{template}-body.txt", context)
        html = render_to_string(f"emails/{template}-body.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()


def booking_cancel_url(booking: Booking, party: str) -> str:
    """The buyer cancels from their account; the seller, who has none, by a signed single-purpose link."""
    if party == "buyer":
        return settings.SITE_URL + reverse("bookings:cancel", kwargs={"reference": booking.reference})
    return settings.SITE_URL + seller_cancel_path(booking)


def station_staff_emails(station) -> list[str]:
    """Where a station's alerts and daily schedule go: its active staff accounts, else settings.MANAGERS."""

    emails = list(
        User.objects.filter(station=station, is_staff=True, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )
    return emails or [manager if isinstance(manager, str) else manager[1] for manager in settings.MANAGERS]


def officer_assignment_email(*, booking: Booking) -> None:
    """Tell the officer which exchange they attend (booking with officer__user, station, space)."""
    send_templated_email(
        template="officer-assigned",
        to=[booking.officer.user.email],
        context=booking_context(booking) | {"officer": booking.officer},
        language=booking.station.language,
        attachments=[
            booking_calendar_attachment(booking, language=booking.station.language, attendee=booking.officer.user.email)
        ],
    )


def unstaffed_alert_email(*, booking: Booking, recipients: list[str]) -> None:
    send_templated_email(
        template="staff-unstaffed-alert",
        to=recipients,
        context=booking_context(booking)
        | {"admin_url": settings.SITE_URL + reverse("admin:bookings_booking_change", args=[booking.pk])},
        language=booking.station.language,
    )


def booking_context(booking: Booking, event: BookingEvent | None = None) -> dict:
    return {
        "booking": booking,
        "event": event,
        "station": booking.station,
        "starts_at": booking.local_starts_at,
        "ends_at": booking.local_ends_at,
        "site_url": settings.SITE_URL,
        "seller_url": settings.SITE_URL + seller_invite_path(booking),
        "buyer_url": settings.SITE_URL + reverse("bookings:detail", kwargs={"reference": booking.reference}),
        "charter": booking.seller_charter_version or booking.buyer_charter_version,
    }


# Which emails each new state sends, and to whom.
_NOTIFICATIONS = {
    BookingStatus.PENDING: [("seller-invite", "seller"), ("booking-requested", "buyer")],
    BookingStatus.CONFIRMED: [("booking-confirmed", "buyer"), ("booking-confirmed", "seller")],
    BookingStatus.DECLINED: [("booking-declined", "buyer")],
    BookingStatus.EXPIRED: [("booking-expired", "buyer"), ("booking-expired", "seller")],
    BookingStatus.CANCELLED: [("booking-cancelled", "buyer"), ("booking-cancelled", "seller")],
}


# The station cancelled (a closure, or staff under pressure): an apology, and the
# buyer's priority rebooking link (bookings.rebooking).
_APOLOGY = [("station-apology", "buyer"), ("station-apology", "seller")]


def booking_event_notify(*, event: BookingEvent) -> int:
    """Send the emails an event calls for; returns how many were sent."""

    booking = event.booking
    notifications = _NOTIFICATIONS.get(event.to_status, [])
    if event.to_status == BookingStatus.CANCELLED and booking.cancel_cause:
        notifications = _APOLOGY
    sent = 0
    for template, party in notifications:
        context = booking_context(booking, event) | {"party": party, "cancel_url": booking_cancel_url(booking, party)}
        if template == "station-apology":
            context["rebook_url"] = settings.SITE_URL + rebooking_path(booking) if party == "buyer" else ""
            context["station_url"] = settings.SITE_URL + reverse("stations:detail", args=[booking.station.slug])
        recipient = booking.buyer.email if party == "buyer" else booking.seller_email
        send_templated_email(
            template=template,
            to=[recipient],
            context=context,
            language=party_language(booking, party),
            attachments=_event_attachments(event, language=party_language(booking, party), recipient=recipient),
        )
        sent += 1
    if event.to_status == BookingStatus.CANCELLED and booking.officer_id and booking.officer_notified_at:
        # The officer was told to come: tell them they are no longer expected.
        officer_email = booking.officer.user.email
        send_templated_email(
            template="officer-released",
            to=[officer_email],
            context=booking_context(booking, event) | {"officer": booking.officer},
            language=booking.station.language,
            attachments=[
                booking_calendar_attachment(
                    booking, language=booking.station.language, attendee=officer_email, cancel=True
                )
            ],
        )
        sent += 1
    return sent


def _event_attachments(event: BookingEvent, *, language: str, recipient: str) -> list:
    """The confirmation carries the calendar file and the QR code; the cancellation of a confirmed
    booking, the file that takes it out of the calendar again (same UID, METHOD:CANCEL)."""
    booking = event.booking
    if event.to_status == BookingStatus.CONFIRMED:
        return [
            booking_calendar_attachment(booking, language=language, attendee=recipient),
            (f"{booking.reference}.png", booking_qr_png(booking), "image/png"),
        ]
    if event.to_status == BookingStatus.CANCELLED and event.from_status == BookingStatus.CONFIRMED:
        return [booking_calendar_attachment(booking, language=language, attendee=recipient, cancel=True)]
    return []
