"""A closure's impact before it is saved, and the cancellation of what it hits once it is.

The form lists the bookings the closure would hit and refuses to save until staff
tick "cancel them"; once saved (on its own page or inline on the station's), those
bookings are cancelled by bookings.closures, each through booking_cancel with the
apology email.
"""

from django import forms
from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from bookings.closures import closure_affected_bookings, closure_save
from stations.models import Closure


class ClosureForm(forms.ModelForm):
    cancel_bookings = forms.BooleanField(
        label=_("Cancel the bookings it hits"),
        required=False,
        help_text=_("Each party gets an apology email; the buyer can book again with priority."),
    )

    class Meta:
        model = Closure
        fields = ("station", "starts_at", "ends_at", "reason", "cancel_bookings")

    def clean(self):
        data = super().clean()
        self.affected = []
        if not self.has_changed():
            return data  # an unchanged closure inline on the station's page
        station = data.get("station") or getattr(self.instance, "station", None)
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if station is None or station.pk is None or not starts_at or not ends_at or ends_at <= starts_at:
            return data
        self.affected = list(closure_affected_bookings(station=station, starts_at=starts_at, ends_at=ends_at))
        if self.affected and not data.get("cancel_bookings"):
            listed = ", ".join(
                f"{booking.reference} ({timezone.localtime(booking.starts_at, station.zone):%d/%m %H:%M}, "
                f"{booking.space.name})"
                for booking in self.affected
            )
            raise forms.ValidationError(
                ngettext(
                    "This closure hits %(count)d booking: %(bookings)s. Tick “Cancel the bookings it hits” to "
                    "save it; the booking will be cancelled.",
                    "This closure hits %(count)d bookings: %(bookings)s. Tick “Cancel the bookings it hits” to "
                    "save it; the bookings will be cancelled.",
                    len(self.affected),
                ),
                params={"count": len(self.affected), "bookings": listed},
                code="closure_hits_bookings",
            )
        return data


def closure_save_and_report(model_admin, request, closure: Closure) -> None:
    """Save the closure and cancel what it hits (bookings.closures.closure_save), and say so."""
    cancelled = closure_save(closure=closure, user=request.user)
    if cancelled:
        model_admin.message_user(
            request,
            ngettext(
                "%(count)d booking cancelled by the closure, with an apology email: %(references)s.",
                "%(count)d bookings cancelled by the closure, with an apology email: %(references)s.",
                len(cancelled),
            )
            % {"count": len(cancelled), "references": ", ".join(b.reference for b in cancelled)},
            messages.WARNING,
        )
    else:
        model_admin.message_user(request, gettext("The closure hits no booking."), messages.INFO)
