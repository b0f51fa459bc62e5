"""The seller's pages speak the seller's language, which they can change from the page itself.

The seller has no account and no session of ours: their language is kept on the
booking (Booking.seller_language), where their emails read it too (bookings.languages).
"""

from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from ..languages import browser_chose_language, seller_language, seller_language_set, supported_language
from ..links import ExpiredLink, InvalidLink, booking_from_seller_cancel_token, booking_from_seller_token


def seller_page_language(request, booking) -> None:
    """Render in the seller's language; the first visit from a browser that names one stores it.

    Design invariant 5 says a GET changes no state: this stores a preference, not a
    step of the booking (status, deadline, nonce and updated_at are untouched),
    and only once. A request that names no language (a mail scanner following the
    link) stores nothing and reads the station's language.
    """
    if not booking.seller_language and browser_chose_language(request):
        seller_language_set(booking=booking, language=request.LANGUAGE_CODE, only_if_unset=True)
    language = booking.seller_language or (
        request.LANGUAGE_CODE if browser_chose_language(request) else seller_language(booking)
    )
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()


def _switch(read, url_name):
    @ratelimit(key="ip", rate="30/m", method="POST", block=True)
    @require_POST
    def switch(request, token):
        """The language buttons of a seller's page: store the choice, show the page again."""
        try:
            booking = read(token)
        except InvalidLink:
            return render(request, "bookings/seller/invalid_link.html", status=404)
        except ExpiredLink as lapsed:
            # The page of an expired link still reads better in the seller's language.
            booking = lapsed.booking
        language = supported_language(request.POST.get("language"))
        if language:
            seller_language_set(booking=booking, language=language)
        return redirect(url_name, token=token)

    return switch


invite_language = _switch(booking_from_seller_token, "bookings:seller-invite")
cancel_language = _switch(booking_from_seller_cancel_token, "bookings:seller-cancel")
