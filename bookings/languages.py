"""Each party reads their own language: the buyer theirs, the seller theirs, the staff the station's.

A booking used to email both parties in the buyer's language: a Paris seller was
invited in English. Now:

- the buyer's emails follow their account (User.language, set at sign-up and at
  each switch of language), or the page's language when they booked (Booking.language);
- the seller's follow Booking.seller_language: their browser's language when they
  first open the invitation, or the one they pick on its page; until then (the
  invitation itself) the station's language;
- the staff's and officers' follow Station.language.
"""

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest

from .models import Booking, Party

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def supported_language(code: str | None) -> str | None:
    """`code` ("fr-FR", "en") as one of the site's languages, or None."""
    if not code:
        return None
    code = code.lower()
    for candidate in (code, code.split("-")[0]):
        if candidate in SUPPORTED:
            return candidate
    return None


def buyer_language(booking: Booking) -> str:
    buyer = booking.buyer
    return (buyer.language if buyer is not None else "") or booking.language or settings.LANGUAGE_CODE


def seller_language(booking: Booking) -> str:
    return booking.seller_language or booking.station.language or settings.LANGUAGE_CODE


def party_language(booking: Booking, party: str) -> str:
    return buyer_language(booking) if party == Party.BUYER else seller_language(booking)


def browser_chose_language(request: HttpRequest) -> bool:
    """Whether the request says which language its reader wants (Accept-Language, or the site's cookie).

    A mail scanner that opens the link sends neither: it must not choose the seller's language.
    """
    return "HTTP_ACCEPT_LANGUAGE" in request.META or settings.LANGUAGE_COOKIE_NAME in request.COOKIES


def seller_language_set(*, booking: Booking, language: str, only_if_unset: bool = False) -> bool:
    """Store the seller's language; with only_if_unset, only when they have none yet. Whether it was stored.

    One conditional UPDATE: two first visits at once store one language, and
    nothing else of the booking is touched (updated_at included: no state changes).
    """
    code = supported_language(language)
    if code is None:
        return False
    rows = Booking.objects.filter(pk=booking.pk)
    rows = rows.filter(seller_language="") if only_if_unset else rows.filter(~Q(seller_language=code))
    stored = bool(rows.update(seller_language=code))
    if stored or not only_if_unset:
        booking.seller_language = code
    return stored
