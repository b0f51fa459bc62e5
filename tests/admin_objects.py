"""One row of each admin model, for the walks over every admin page (scoping, authorization matrix)."""

from django.utils import timezone

from api.models import PartnerBooking, PartnerKey, WebhookDelivery, WebhookEvent
from api.services import partner_key_create
from bookings.models import BookingBanLift, BookingEvent
from stations.models import ExchangeZone, ParkingBay, Room
from stations.permissions import station_staff_group
from tests import factories


def booking_at(station):
    room = Room.objects.get(station=station)
    return factories.BookingFactory(station=station, space=room)


# One row of each station-scoped admin model, belonging to the given station.
STATION_OBJECTS = {
    "stations.station": lambda station: station,
    "stations.room": lambda station: Room.objects.get(station=station),
    "stations.parkingbay": lambda station: ParkingBay.objects.get(station=station),
    "stations.exchangezone": lambda station: ExchangeZone.objects.create(station=station, name="Zone"),
    "stations.openinghours": lambda station: station.opening_hours.first(),
    "stations.closure": lambda station: factories.ClosureFactory(station=station),
    "stations.officer": lambda station: factories.OfficerFactory(station=station),
    "stations.shift": lambda station: factories.ShiftFactory(officer=factories.OfficerFactory(station=station)),
    "stations.officerabsence": lambda station: factories.OfficerAbsenceFactory(
        officer=factories.OfficerFactory(station=station)
    ),
    "bookings.booking": booking_at,
    "bookings.bookingevent": lambda station: BookingEvent.objects.create(
        booking=booking_at(station), actor_role="buyer", to_status="pending"
    ),
    "bookings.bookingbanlift": lambda station: BookingBanLift.objects.create(
        buyer=factories.UserFactory(), station=station, reason="Absences excusées"
    ),
}


# Admin models that are not station data, and how to make one.
OTHER_OBJECTS = {
    "charter.charterversion": lambda: factories.CharterVersionFactory(number=7),
    "accounts.user": lambda: factories.UserFactory(email="someone@example.org"),
    "auth.group": station_staff_group,
    "account.emailaddress": lambda: factories.UserFactory(email="other@example.org").emailaddress_set.get(),
}


def partner_key():
    count = PartnerKey.objects.count()
    return partner_key_create(name=f"Petites annonces {count}", scopes=["read"], created_by=None)[0]


def partner_booking():
    booking = factories.BookingFactory()
    return PartnerBooking.objects.create(
        partner=partner_key(),
        buyer=booking.buyer,
        station=booking.station,
        role="buyer",
        listing_url="https://annonces.example/1",
        visited_at=timezone.now(),
        booking=booking,
    )


def webhook_delivery():
    link = partner_booking()
    event = BookingEvent.objects.create(booking=link.booking, actor_role="seller", to_status="confirmed")
    return WebhookDelivery.objects.create(
        partner=link.partner, booking_event=event, event=WebhookEvent.CONFIRMED, body="{}", created_at=timezone.now()
    )


# The partner API's rows: the prefecture's, not a station's.
OTHER_OBJECTS |= {
    "api.partnerkey": partner_key,
    "api.partnerbooking": partner_booking,
    "api.webhookdelivery": webhook_delivery,
}
