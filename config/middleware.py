"""Pages that show personal data are never stored by a browser or a shared cache.

One middleware rather than a decorator per view: allauth's account pages are not our views,
and a page added later to a private namespace is covered without anyone remembering to.
"""

from django.utils.cache import add_never_cache_headers

# URL namespaces whose every page is about one person: the buyer's bookings and wizard,
# the seller's signed links (no login, but the link itself shows the booking), the admin.
PRIVATE_NAMESPACES = frozenset({"bookings", "admin"})
# allauth's account pages (login, signup, email, password reset with its key in the URL)
# have no namespace; their URL names share this prefix.
PRIVATE_URL_NAME_PREFIXES = ("account_",)
# The development mailbox lists every email sent, links and all.
PRIVATE_URL_NAMES = frozenset({"dev-mailbox"})


def is_private(request) -> bool:
    """True when the response may carry personal data: a private page, or any page a logged-in user sees.

    A logged-in user's every page names them in the navigation bar, so even the public pages
    they see are theirs alone.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    if PRIVATE_NAMESPACES.intersection(match.namespaces):
        return True
    name = match.url_name or ""
    return name in PRIVATE_URL_NAMES or name.startswith(PRIVATE_URL_NAME_PREFIXES)


class PrivatePagesMiddleware:
    """Cache-Control: private, no-store (Django's never_cache value) on every private page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_private(request):
            # The same header as the admin's never_cache: max-age=0, no-cache, no-store,
            # must-revalidate, private.
            add_never_cache_headers(response)
        return response
