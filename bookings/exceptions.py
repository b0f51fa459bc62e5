"""Domain errors. Views turn each into a message for the person in front of the screen."""

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _


class BookingError(Exception):
    message = _("This booking could not be made.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class SlotUnavailable(BookingError):
    message = _("This slot was just taken, pick another.")


class NoOfficerFree(SlotUnavailable):
    message = _("No officer is free at that time any more, pick another slot.")


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
        if station.display_pressure_message:
            return cls(f"{cls.message} {station.display_pressure_message}")
        return cls()


class InvalidName(BookingError):
    """A party's name the desk could not read against an identity document (accounts.names)."""

    @classmethod
    def from_validation_error(cls, error):
        return cls(" ".join(str(message) for message in error.messages))


class NotStationStaff(BookingError):
    message = _("Only the staff of this booking's station may record that.")


class RebookingUnavailable(BookingError):
    message = _("This rebooking link has been used already, or is not yours.")


def _local(moment, zone, format_name: str) -> str:
    # Shown in the active language (the buyer's) and the station's wall-clock time.
    return formats.date_format(timezone.localtime(moment, zone), format_name)


class SlotHeldBack(SlotUnavailable):
    """A party freed this slot a few minutes ago: it is held back from others for a while (bookings.abuse)."""

    message = _("This slot was freed by a cancellation a few minutes ago: from %(time)s it is offered again.")

    @classmethod
    def until(cls, moment, zone):
        error = cls(cls.message % {"time": _local(moment, zone, "TIME_FORMAT")})
        error.available_at = moment
        return error


class BookingBanned(BookingError):
    """The buyer missed too many exchanges lately (bookings.abuse); staff can lift it."""

    message = _(
        "You did not come to %(count)d booked exchanges within %(days)d days, so you cannot book again "
        "until %(until)s. If you think this is a mistake, contact the police station."
    )

    @classmethod
    def until(cls, moment, zone, *, count: int, days: int):
        error = cls(cls.message % {"count": count, "days": days, "until": _local(moment, zone, "DATETIME_FORMAT")})
        error.banned_until = moment
        return error


class TooManyInvitations(BookingError):
    """The buyer has invited sellers as often as allowed in 24 hours (bookings.invitations)."""

    message = _(
        "You have sent as many invitations as allowed in 24 hours (%(limit)s, cancelled bookings included). "
        "You can invite a seller again from %(when)s."
    )


class SellerInvitedTooOften(BookingError):
    """This recipient has been invited as often as allowed in 24 hours, by any buyers (bookings.invitations)."""

    message = _(
        "This seller's address has received as many invitations as allowed in 24 hours (%(limit)s). "
        "It can be invited again from %(when)s."
    )


class CharterChanged(BookingError):
    """A new version of the charter was published between the page a party read and their POST."""

    message = _(
        "The charter changed while you were reading it: version %(number)s is now in force. "
        "Read it again below and accept it."
    )

    @classmethod
    def for_version(cls, version):
        error = cls(cls.message % {"number": version.number})
        error.version = version
        return error
