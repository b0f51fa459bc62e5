from functools import wraps

from django.shortcuts import render

from ..links import ExpiredLink, InvalidLink


def posted(request):
    """The form data of a POST, or None for a GET: an empty POST is still a submission to validate."""
    return request.POST if request.method == "POST" else None


def from_signed_link(read, *, expired, language=None):
    """The view gets the booking its signed link names, after `read(token)` accepted it.

    A tampered, unknown or superseded link answers 404 with the same page for every
    kind; an expired one answers `expired(request, booking)`. `language(request, booking)`,
    when given, chooses the language of either answer (the seller's: bookings.views.seller_language).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, token):
            try:
                booking = read(token)
            except InvalidLink:
                return render(request, "bookings/seller/invalid_link.html", status=404)
            except ExpiredLink as lapsed:
                if language is not None:
                    language(request, lapsed.booking)
                return expired(request, lapsed.booking)
            if language is not None:
                language(request, booking)
            return view(request, token, booking)

        return wrapper

    return decorator
