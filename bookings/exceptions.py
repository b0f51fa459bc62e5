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
