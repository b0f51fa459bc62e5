"""The check-in desk: one field for the reference (typed or scanned), then the booking's card.

Each button calls a service of bookings.services (presence, check-in, outcome,
no-show); the page never sets a status. Lookups go through the booking admin's
scoped queryset, so another station's reference is "not found", like a wrong one.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from charter.models import RuleCategory

from .. import services
from ..exceptions import BookingError
from ..identity import booking_record_identity_check
from ..models import Booking, BookingStatus, IdentityDocument, NoShowParty, Party, reference_from_input
from .common import admin_context, require_perm

S = BookingStatus


class DeskLookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference or QR code"),
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
                "placeholder": "SX-7KQ4M",
                "size": 24,
            }
        ),
        help_text=_("Type the code, or scan the QR code of the confirmation email: lower case and “SX-” are optional."),
    )

    def clean_reference(self):
        reference = reference_from_input(self.cleaned_data["reference"])
        if reference is None:
            raise forms.ValidationError(_("This is not a booking reference: it is “SX-” and five letters or digits."))
        return reference


ACTIONS = {
    "buyer_present": _("Buyer present"),
    "seller_present": _("Seller present"),
    "buyer_identity": _("Buyer's identity checked"),
    "seller_identity": _("Seller's identity checked"),
    "check_in": _("Check in now"),
    S.COMPLETED.value: _("Completed"),
    S.ABORTED.value: _("Aborted"),
    S.REFUSED.value: _("Refused under the charter"),
    S.INCIDENT.value: _("Incident"),
    S.NO_SHOW.value: _("No-show"),
}


class DeskActionForm(forms.Form):
    action = forms.ChoiceField(choices=list(ACTIONS.items()))
    no_show_party = forms.ChoiceField(
        label=_("Who did not come"), choices=[("", _("As marked at the desk")), *NoShowParty.choices], required=False
    )
    refusal_category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("As the charter check says")), *RuleCategory.choices], required=False
    )
    # The kind of identity document only: the page has no field for its number, and the service stores none.
    document = forms.ChoiceField(
        label=_("Identity document"), choices=[("", "—"), *IdentityDocument.choices], required=False
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 50})
    )


def desk_lookup_view(model_admin, request):
    require_perm(request, "bookings.view_booking")
    form = DeskLookupForm(request.GET if "reference" in request.GET else None)
    if form.is_bound and form.is_valid():
        booking = model_admin.get_queryset(request).filter(reference=form.cleaned_data["reference"]).first()
        if booking is not None:
            return HttpResponseRedirect(reverse("admin:bookings_booking_desk_booking", args=[booking.pk]))
        form.add_error(
            "reference",
            gettext("No booking of your station has the reference %(reference)s.")
            % {"reference": form.cleaned_data["reference"]},
        )
    return TemplateResponse(
        request,
        "bookings/admin/desk.html",
        admin_context(model_admin, request, gettext("Check-in desk"), form=form),
    )


IDENTITY_ACTIONS = {"buyer_identity": Party.BUYER, "seller_identity": Party.SELLER}


def _run(action: str, booking: Booking, data: dict, user) -> Booking:
    if action in IDENTITY_ACTIONS:
        if not data["document"]:
            raise BookingError(gettext("Say which kind of identity document was shown."))
        return booking_record_identity_check(
            booking=booking, party=IDENTITY_ACTIONS[action], document=data["document"], user=user
        )
    if action in ("buyer_present", "seller_present"):
        party = Party.BUYER if action == "buyer_present" else Party.SELLER
        return services.booking_mark_present(booking=booking, party=party, user=user)
    if action == "check_in":
        return services.booking_check_in(booking=booking, user=user, note=data["note"].strip())
    if action == S.NO_SHOW:
        return services.booking_mark_no_show(
            booking=booking, user=user, party=data["no_show_party"], note=data["note"].strip()
        )
    return services.booking_record_outcome(
        booking=booking,
        outcome=action,
        user=user,
        note=data["note"],
        refusal_category=data["refusal_category"],
    )


def desk_booking_view(model_admin, request, object_id):
    require_perm(request, "bookings.view_booking")
    booking = model_admin.get_object(request, object_id)  # scoped: another station's is a 404
    if request.method == "POST":
        if not model_admin.has_transition_permission(request):
            raise PermissionDenied
        form = DeskActionForm(request.POST)
        if form.is_valid():
            action = form.cleaned_data["action"]
            try:
                booking = _run(action, booking, form.cleaned_data, request.user)
            except BookingError as error:
                messages.error(request, f"{booking.reference}: {error.message}")
            else:
                model_admin.log_change(
                    request, booking, gettext("Check-in desk: %(action)s") % {"action": ACTIONS[action]}
                )
                messages.success(
                    request,
                    gettext("%(reference)s: %(action)s. Status: %(status)s.")
                    % {
                        "reference": booking.reference,
                        "action": ACTIONS[action],
                        "status": booking.get_status_display(),
                    },
                )
                if booking.status not in (S.CONFIRMED, S.CHECKED_IN):
                    return HttpResponseRedirect(reverse("admin:bookings_booking_desk"))
        else:
            messages.error(request, gettext("The desk did not understand this request; nothing was changed."))
        return HttpResponseRedirect(reverse("admin:bookings_booking_desk_booking", args=[booking.pk]))
    station = booking.station
    now = timezone.now()
    review = getattr(booking, "charter_review", None)
    return TemplateResponse(
        request,
        "bookings/admin/desk_booking.html",
        admin_context(
            model_admin,
            request,
            gettext("Check-in desk: %(reference)s") % {"reference": booking.reference},
            booking=booking,
            original=booking,
            station=station,
            review=review,
            events=booking.events.select_related("actor").order_by("at", "id"),
            not_today=booking.local_starts_at.date() != timezone.localtime(now, station.zone).date(),
            can_act=model_admin.has_transition_permission(request),
            can_mark_present=booking.status in (S.CONFIRMED, S.CHECKED_IN),
            is_confirmed=booking.status == S.CONFIRMED,
            is_checked_in=booking.status == S.CHECKED_IN,
            no_show_choices=NoShowParty.choices,
            document_choices=IdentityDocument.choices,
            identity_actions=[
                (Party.BUYER, "buyer_identity", gettext("Buyer's document")),
                (Party.SELLER, "seller_identity", gettext("Seller's document")),
            ],
            category_choices=RuleCategory.choices,
            lookup_form=DeskLookupForm(),
        ),
    )
