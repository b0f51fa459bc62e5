"""Browser-side defences: the Content-Security-Policy, the Permissions-Policy, and no-store on
personal pages; pages that keep to the policy (no inline script, handler or style)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, reverse

from bookings.links import seller_cancel_token, seller_token
from bookings.models import BookingStatus
from bookings.rebooking import rebooking_path
from stations.models import SpaceKind
from tests import factories

pytestmark = pytest.mark.django_db

EXPECTED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def _boom(request):
    raise RuntimeError("a bug in a view")


# The project's URLs plus a view that fails, for the 500 page (see test_error_pages_carry_the_policy).
urlpatterns = [path("boom/", _boom), path("", include(settings.ROOT_URLCONF))]


def _csp(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _without_nonce(directives):
    return {name: [v for v in values if not v.startswith("'nonce-")] for name, values in directives.items()}


@pytest.fixture
def booking(paris_11, buyer, charter):
    return factories.BookingFactory(
        station=paris_11,
        space=paris_11.spaces.get(kind=SpaceKind.ROOM),
        buyer=buyer,
        buyer_charter_version=charter,
        seller_email="seller@example.net",
        status=BookingStatus.CONFIRMED,
    )


# Public pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/stations/paris-11/",
        "/charter/",
        "/privacy/",
        "/legal/",
        "/accounts/login/",
        "/accounts/signup/",
    ],
)
def test_public_pages_carry_the_strict_policy_without_a_nonce(client, paris_11, charter, url):
    response = client.get(url)
    assert response.status_code == 200
    assert _csp(response) == EXPECTED_CSP


def test_the_directory_alone_may_load_openstreetmap_tiles_and_ask_for_the_location(client, paris_11):
    response = client.get("/stations/")

    assert response.status_code == 200
    assert _csp(response) == EXPECTED_CSP | {"img-src": ["'self'", "data:", "https://tile.openstreetmap.org"]}
    policy = dict(item.split("=", 1) for item in response.headers["Permissions-Policy"].split(", "))
    assert policy["geolocation"] == "(self)"
    assert policy["camera"] == "()"


def test_admin_pages_carry_the_policy_and_a_nonce_only_for_styles(client, staff_11e):
    for url in ["/admin/login/", "/admin/", "/admin/bookings/booking/", "/admin/bookings/booking/schedule/"]:
        if url == "/admin/":
            client.force_login(staff_11e)
        response = client.get(url)
        assert response.status_code == 200, url
        directives = _csp(response)
        assert directives["script-src"] == ["'self'"], url
        assert _without_nonce(directives) == EXPECTED_CSP, url
        # Django's admin templates put the request's nonce on their <link> and <style> tags.
        nonce = re.search(r"'nonce-([^']+)'", " ".join(directives["style-src"])).group(1)
        assert f'nonce="{nonce}"' in response.content.decode()


@pytest.mark.urls(__name__)
def test_error_pages_carry_the_policy(client):
    client.raise_request_exception = False
    assert _csp(client.get("/no/such/page/")) == EXPECTED_CSP
    server_error = client.get("/boom/")
    assert server_error.status_code == 500
    assert _csp(server_error) == EXPECTED_CSP


@pytest.mark.parametrize("url", ["/", "/charter/", "/admin/login/", "/no/such/page/"])
def test_every_response_carries_a_permissions_policy(client, charter, url):
    policy = client.get(url).headers.get("Permissions-Policy", "")
    features = dict(item.split("=", 1) for item in policy.split(", ") if "=" in item)
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert features.get(feature) == "()", (feature, policy)


# Cache-Control on personal pages ---------------------------------------------------------------


def _is_private_no_store(response) -> bool:
    directives = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def test_the_buyers_pages_are_never_stored(client, paris_11, charter, buyer, booking):
    booking.status = BookingStatus.CANCELLED
    booking.save()
    client.force_login(buyer)
    urls = [
        reverse("bookings:mine"),
        reverse("bookings:detail", args=[booking.reference]),
        reverse("bookings:cancel", args=[booking.reference]),
        reverse("bookings:item", args=[paris_11.slug]),
        reverse("bookings:slot", args=[paris_11.slug]),
        reverse("bookings:seller", args=[paris_11.slug]),
        reverse("bookings:review", args=[paris_11.slug]),
        rebooking_path(booking),
        reverse("bookings:detail", args=["SX-NOT-MINE"]),  # a 404 of the buyer's pages
        "/accounts/email/",
        "/accounts/password/change/",
        "/",  # a public page, but it names the logged-in buyer in the navigation bar
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        assert _is_private_no_store(response), (url, response.headers.get("Cache-Control"))


def test_the_sellers_link_pages_are_never_stored(client, booking):
    booking.status = BookingStatus.PENDING
    booking.save()
    for url in [
        reverse("bookings:seller-invite", args=[seller_token(booking)]),
        reverse("bookings:seller-cancel", args=[seller_cancel_token(booking)]),
        reverse("bookings:seller-invite", args=["not-a-token"]),
    ]:
        response = client.get(url)
        assert response.status_code < 500, url
        assert _is_private_no_store(response), (url, response.headers.get("Cache-Control"))


def test_account_pages_are_never_stored_even_before_login(client):
    for url in ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/admin/login/"]:
        response = client.get(url)
        assert _is_private_no_store(response), (url, response.headers.get("Cache-Control"))


def test_admin_pages_are_never_stored(client, staff_11e, booking):
    client.force_login(staff_11e)
    for url in [
        "/admin/",
        "/admin/bookings/booking/",
        f"/admin/bookings/booking/{booking.pk}/change/",
        "/admin/bookings/booking/schedule/",
        "/admin/bookings/booking/desk/",
        "/admin/bookings/booking/statistics/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _is_private_no_store(response), (url, response.headers.get("Cache-Control"))


@pytest.mark.parametrize("url", ["/", "/stations/", "/stations/paris-11/", "/charter/", "/privacy/", "/legal/"])
def test_public_pages_stay_cacheable_for_anonymous_visitors(client, paris_11, charter, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "Cache-Control" not in response.headers, response.headers.get("Cache-Control")


# No inline script, handler or style ------------------------------------------------------------

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
# Emails are not pages: no CSP applies there, and mail clients need inline styles.
PAGE_TEMPLATES = sorted(p for p in TEMPLATES_DIR.rglob("*.html") if "emails" not in p.relative_to(TEMPLATES_DIR).parts)
INLINE_PATTERNS = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "<style> block": re.compile(r"<style\b", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_page_templates_are_found():
    assert len(PAGE_TEMPLATES) > 30
    assert TEMPLATES_DIR / "base.html" in PAGE_TEMPLATES


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES_DIR)))
def test_page_template_has_no_inline_script_handler_or_style(template):
    source = template.read_text()
    found = [f"{what}: {m.group(0)!r}" for what, pattern in INLINE_PATTERNS.items() for m in pattern.finditer(source)]
    assert not found, found


class _InlineFinder(HTMLParser):
    """What the CSP would refuse in a rendered page (json_script's data blocks are not scripts)."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/json":
            self.found.append(f"inline <script> {attrs}")
        if tag == "style" and "nonce" not in attrs:
            self.found.append("<style> without the nonce")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")


def _inline_parts(response) -> list[str]:
    finder = _InlineFinder()
    finder.feed(response.content.decode())
    return finder.found


def test_rendered_pages_keep_to_the_policy(client, paris_11, charter, buyer, booking, staff_11e):
    """Our templates, and those of allauth, crispy-forms and Django's admin that the project renders."""
    booking.officer = None
    booking.unstaffed_since = booking.created_at
    booking.save()
    pages = {
        None: ["/", "/stations/", "/stations/paris-11/", "/charter/", "/accounts/login/", "/accounts/signup/"],
        buyer: [
            reverse("bookings:mine"),
            reverse("bookings:detail", args=[booking.reference]),
            reverse("bookings:cancel", args=[booking.reference]),
            reverse("bookings:item", args=[paris_11.slug]),
            "/accounts/email/",
            "/accounts/password/change/",
        ],
        staff_11e: [
            "/admin/",
            "/admin/bookings/booking/",
            f"/admin/bookings/booking/{booking.pk}/change/",
            "/admin/bookings/booking/schedule/",
            "/admin/bookings/booking/desk/",
            "/admin/bookings/booking/statistics/",
            "/admin/stations/closure/add/",
        ],
    }
    offending = {}
    for user, urls in pages.items():
        client.logout()
        if user:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            if found := _inline_parts(response):
                offending[url] = found
    assert not offending


def test_every_admin_changelist_and_add_form_keeps_to_the_policy(admin_client, booking):
    offending = {}
    for model in admin.site._registry:
        opts = model._meta
        for view in ["changelist", "add"]:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}")
            response = admin_client.get(url)
            if response.status_code == 200 and (found := _inline_parts(response)):
                offending[url] = found
    assert not offending


def test_the_favicon_is_served_at_the_root_so_no_page_logs_a_404(client):
    # Browsers ask every page, the admin's included, for /favicon.ico (public/, WHITENOISE_ROOT).
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO file
