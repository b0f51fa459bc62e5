"""Domain errors. Views turn each into a message for the person in front of the screen."""

from django.utils.translation import gettext_lazy as _


class BookingError(Exception):
    message = _("This booking could not be made.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class SlotUnavailable(BookingError):
    message = _("This slot was just taken, pick another.")


class TooManyActiveBookings(BookingError):
    message = _("You already have %(limit)s bookings in progress; cancel one or wait until one is over.")


class CharterViolation(BookingError):
    def __init__(self, verdict):
        self.verdict = verdict
        super().__init__(verdict.reason)


class InvalidTransition(BookingError):
    message = _("This booking can no longer be changed that way.")


class SellerIsBuyer(BookingError):
    message = _("The seller's email must not be your own.")


class StationUnderPressure(BookingError):
    message = _("This station takes no new booking for this time: it is under pressure.")

    @classmethod
    def for_station(cls, station):
        if station.pressure_message:
            return cls(f"{cls.message} {station.pressure_message}")
        return cls()


class RebookingUnavailable(BookingError):
    message = _("This rebooking link has been used already, or is not yours.")
