"""One gate for input no view can store or even look up: it answers 400 (or 414) before any view runs.

PostgreSQL refuses any string holding a NUL character ("A string literal cannot
contain NUL"), so a NUL in a path, a query value or a form field turned every
lookup it reached into a 500 (`/bookings/%00/`, an admin filter, the admin's
autocomplete term). Lone surrogates cannot be encoded to UTF-8 for the database
either. Checking each view's inputs would miss the next view; this middleware
checks every request once. Django's own limits stay in force for bodies
(DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS and _FILES); the URL has
none, so MAX_URL_BYTES bounds it (the admin caps its own searches: a search of
thousands of words kept PostgreSQL planning one query for minutes).

It sits right after the header middlewares (SecurityMiddleware, CSP), before the session is read: a cookie that
holds such characters is dropped rather than refused, so that a cookie planted on
the browser (by a sibling subdomain, say) cannot lock its owner out of the site.
"""

import re

from django.shortcuts import render
from django.utils import translation

# Wider than any URL the site makes. The longest is the charter's live check, which
# sends the item's title and description (200 + 2,000 characters, up to 9 bytes
# each once a CJK character is escaped); signed links and admin filters stay under 1 KB.
MAX_URL_BYTES = 20 * 1024

# NUL and lone surrogates anywhere; other control characters only in the path
# (a query or form value may carry a tab or a line break, from a textarea).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_IN_PATH = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
ESCAPE_LEFT = re.compile("%[0-9A-Fa-f]{2}")


def _unstorable_path(request) -> bool:
    # Django decodes the path and escapes again the bytes that are not UTF-8 (a lone
    # surrogate's b"\xed\xa0\x80" becomes "%ED%A0%80"). No URL of the site has an
    # escape left once decoded, so one there was either not text or escaped twice.
    return bool(UNSTORABLE_IN_PATH.search(request.path) or ESCAPE_LEFT.search(request.path))


def _unstorable_fields(querydict) -> bool:
    return any(UNSTORABLE.search(key) or any(UNSTORABLE.search(v) for v in values) for key, values in querydict.lists())


def unreadable_input(request) -> int | None:
    """The status to refuse the request with (400, 414), or None when every part of it can be stored."""
    if len(request.META.get("PATH_INFO", "")) + len(request.META.get("QUERY_STRING", "")) > MAX_URL_BYTES:
        return 414
    if _unstorable_path(request) or _unstorable_fields(request.GET):
        return 400
    # Reading the body here is what CsrfViewMiddleware does a little later anyway;
    # Django's size and field-count limits apply (RequestDataTooBig: a 400 too).
    if request.method == "POST" and _unstorable_fields(request.POST):
        return 400
    return None


class UnreadableInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in [name for name, value in request.COOKIES.items() if UNSTORABLE.search(name + value)]:
            del request.COOKIES[name]
        status = unreadable_input(request)
        if status is None:
            return self.get_response(request)
        # LocaleMiddleware has not run yet: answer in the language it would pick.
        with translation.override(translation.get_language_from_request(request)):
            return render(request, "400.html", {"too_long": status == 414, "unreadable": status == 400}, status=status)
