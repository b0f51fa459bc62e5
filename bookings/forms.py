from django import forms
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.names import first_name_field, last_name_field
from charter.selectors import charter_check, charter_current
from stations.clock import TWENTY_FOUR_HOUR, clock_format

from .exceptions import BookingError, SellerIsBuyer
from .invitations import invitation_quota_check, seller_is_buyer
from .models import ItemKind


class ItemForm(forms.Form):
    item_title = forms.CharField(label=_("What are you buying?"), max_length=200)
    item_description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    item_kind = forms.ChoiceField(
        label=_("Is it a vehicle?"),
        choices=ItemKind.choices,
        initial=ItemKind.GOODS,
        widget=forms.RadioSelect,
        help_text=_("Vehicles are exchanged on a marked parking bay in front of the station, other items in a room."),
    )
    vehicle_plate = forms.CharField(label=_("Vehicle plate"), max_length=16, required=False)
    listing_url = forms.URLField(label=_("Link to the listing (optional)"), required=False, assume_scheme="https")

    def clean(self):
        data = super().clean()
        if data.get("item_title"):
            self.charter_version = charter_current()
            verdict = charter_check(
                version=self.charter_version, title=data["item_title"], description=data.get("item_description", "")
            )
            if verdict.forbidden:
                # Counted by the wizard (CharterRefusal): no booking will exist to count it.
                self.charter_refusal = verdict
                raise forms.ValidationError(
                    format_html(
                        '{} <a href="{}#{}">{}</a>',
                        verdict.reason,
                        reverse("charter:current"),
                        verdict.category,
                        _("Read the charter of forbidden items."),
                    ),
                    code="charter",
                )
            if verdict.is_vehicle and data.get("item_kind") != ItemKind.VEHICLE:
                # The charter decides where the exchange happens: a vehicle never goes
                # to a room, so the choice is switched (and shown switched) to a vehicle.
                data["item_kind"] = ItemKind.VEHICLE
                self.data = self.data.copy()
                self.data[self.add_prefix("item_kind")] = ItemKind.VEHICLE
                if not data.get("vehicle_plate", "").strip():
                    self.add_error(
                        "vehicle_plate",
                        _(
                            "This looks like a vehicle: vehicles are exchanged on a parking bay in front of the "
                            "station, never in a room. Give its plate."
                        ),
                    )
                    return data
        if data.get("item_kind") == ItemKind.VEHICLE and not data.get("vehicle_plate", "").strip():
            self.add_error("vehicle_plate", _("Give the vehicle's plate so the officers can find it on the bay."))
        return data


class SlotForm(forms.Form):
    slot = forms.ChoiceField(
        label=_("Time"),
        widget=forms.RadioSelect(attrs={"class": "btn-check", "autocomplete": "off"}),
        error_messages={
            "invalid_choice": _("This slot is no longer free, pick another."),
            "required": _("Pick a time."),
        },
    )

    def __init__(self, *args, slots=(), station=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The label of each time: "09:00", or "9:00 AM" at a US station in English (stations.clock).
        time_format = clock_format(station) if station is not None else TWENTY_FOUR_HOUR
        self.fields["slot"].choices = [(s.key, dateformat.format(s.local_starts_at, time_format)) for s in slots]


class SellerForm(forms.Form):
    seller_email = forms.EmailField(label=_("Seller's email"))
    seller_name = forms.CharField(label=_("Seller's name"), max_length=150)

    def __init__(self, *args, buyer, station, rebooked_from=None, **kwargs):
        self.buyer = buyer
        self.station = station
        self.rebooked_from = rebooked_from
        super().__init__(*args, **kwargs)

    def clean_seller_email(self):
        email = self.cleaned_data["seller_email"].strip()
        if seller_is_buyer(buyer=self.buyer, seller_email=email):
            raise forms.ValidationError(SellerIsBuyer.message, code="seller_is_buyer")
        try:
            # Told here, before the last step; booking_create checks again under its lock.
            invitation_quota_check(
                buyer=self.buyer,
                seller_email=email,
                now=timezone.now(),
                zone=self.station.zone,
                rebooked_from=self.rebooked_from,
            )
        except BookingError as error:
            raise forms.ValidationError(error.message, code="invitation_quota") from error
        return email


class CharterAcceptanceForm(forms.Form):
    accept_charter = forms.BooleanField(
        label=_("I have read the charter and the item is not forbidden."),
        error_messages={"required": _("You must accept the charter to go on.")},
    )
    # The version the page showed travels with the form: a party accepts what they read,
    # and a version published in between is refused (design invariant 7; CharterChanged).
    charter_version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": _("Reload the page: the form did not say which charter you read."),
            "invalid": _("Reload the page: the form did not say which charter you read."),
            "min_value": _("Reload the page: the form did not say which charter you read."),
        },
    )

    def __init__(self, *args, charter=None, **kwargs):
        super().__init__(*args, **kwargs)
        if charter is not None:
            self.fields["charter_version"].initial = charter.pk

    def non_field_errors(self):
        # A hidden field's error has no field on the page to stand beside: it shows with the form's own.
        hidden = self.errors.get("charter_version", [])
        return self.error_class([*super().non_field_errors(), *hidden], error_class="nonfield")


class SellerAcceptForm(CharterAcceptanceForm):
    """The seller accepts: their name as on the identity document they will show, and the charter."""

    first_name = first_name_field()
    last_name = last_name_field()
    field_order = ["first_name", "last_name", "accept_charter", "charter_version"]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you cancelling?"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeclineForm(forms.Form):
    note = forms.CharField(label=_("Message to the buyer (optional)"), max_length=500, required=False)


def times_field(label) -> forms.MultipleChoiceField:
    """One to three free times a seller ticks (an answer to an invitation, or a proposal of their own)."""
    return forms.MultipleChoiceField(
        label=label,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick one to three times."),
            "invalid_choice": _("One of these times is no longer free: tick others."),
        },
    )


class ProposeTimesForm(CharterAcceptanceForm):
    """The seller's answer "propose another time": one to three free slots, and the charter accepted."""

    slots = times_field(_("Times that suit you (one to three)"))

    def __init__(self, *args, slots=(), **kwargs):
        # It shares its page with the accept form: ids of its own (the field names stay), so the
        # page has no duplicate id and each label points at its own box.
        kwargs.setdefault("auto_id", "id_propose_%s")
        super().__init__(*args, **kwargs)
        self.fields["slots"].choices = [
            (s.key, date_format(s.local_starts_at, "D j M") + ", " + s.local_starts_at.strftime("%H:%M")) for s in slots
        ]

    def clean_slots(self):
        chosen = self.cleaned_data["slots"]
        if len(chosen) > 3:
            raise forms.ValidationError(_("Propose at most three times."), code="too_many")
        return chosen
