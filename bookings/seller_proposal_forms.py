"""The seller's two steps of a proposal (bookings.seller_proposals): the item, then the times and who they are."""

from itertools import groupby

from django import forms
from django.utils import dateformat
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.names import first_name_field, last_name_field
from stations.clock import clock_format

from .forms import CharterAcceptanceForm, ItemForm, times_field
from .seller_proposals import MAX_TIMES


class SellerItemForm(ItemForm):
    """The wizard's item step, worded for the seller: the same charter check and vehicle rule."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_title"].label = _("What are you selling?")


class SellerTimesForm(CharterAcceptanceForm):
    """One to three free times the seller can come, their name and address, the buyer's (optional), the charter."""

    slots = times_field(_("Times you can come (one to three)"))
    seller_first_name = first_name_field()
    seller_last_name = last_name_field()
    seller_email = forms.EmailField(
        label=_("Your email"), help_text=_("We send you a link to confirm it; the buyer never sees it.")
    )
    buyer_email = forms.EmailField(
        label=_("The buyer's email (optional)"),
        required=False,
        help_text=_("We email them the link once you have confirmed. You can also send it yourself."),
    )
    field_order = ["slots", "seller_first_name", "seller_last_name", "seller_email", "buyer_email", "accept_charter"]

    def __init__(self, *args, slots=(), station=None, **kwargs):
        super().__init__(*args, **kwargs)
        time_format = clock_format(station)
        # Grouped by day: the page lists each day's times under its date.
        self.fields["slots"].choices = [
            (
                date_format(day, "l j F"),
                [(slot.key, dateformat.format(slot.local_starts_at, time_format)) for slot in group],
            )
            for day, group in groupby(slots, key=lambda slot: slot.local_starts_at.date())
        ]

    def clean_slots(self):
        chosen = self.cleaned_data["slots"]
        if len(chosen) > MAX_TIMES:
            raise forms.ValidationError(_("Tick at most three times."), code="too_many")
        return chosen

    def clean(self):
        data = super().clean()
        seller, buyer = data.get("seller_email", ""), data.get("buyer_email", "")
        if seller and buyer and seller.strip().casefold() == buyer.strip().casefold():
            self.add_error("buyer_email", _("The buyer's email must not be your own."))
        return data
