from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .places import Place, place_in_addresses, place_known


class DirectorySearchForm(forms.Form):
    """Where to rank the stations from: the browser's location (lat/lon, set by the page's script) or a place typed."""

    q = forms.CharField(
        label=_("Postcode or town"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "search"}),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)

    def __init__(self, *args, stations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.stations = stations
        self.origin: Place | None = None

    def clean(self):
        cleaned = super().clean()
        if "lat" in self.errors or "lon" in self.errors:
            # Hidden fields: their own messages would name nothing the visitor can see.
            self.errors.pop("lat", None)
            self.errors.pop("lon", None)
            raise forms.ValidationError(gettext("Your location could not be read. Type a postcode or a town instead."))
        latitude, longitude, text = cleaned.get("lat"), cleaned.get("lon"), cleaned.get("q", "").strip()
        if latitude is not None and longitude is not None:
            self.origin = Place(gettext("your location"), latitude, longitude)
        elif text:
            self.origin = place_known(text) or place_in_addresses(text, self.stations)
            if self.origin is None:
                self.add_error(
                    "q",
                    gettext(
                        "We do not know “%(place)s”. Type the postcode or the town of a participating station, "
                        "or use your location."
                    )
                    % {"place": text},
                )
        return cleaned
