"""The Content-Security-Policy in a real browser: every page, public, the buyer's, the seller's and the
admin's, loads with no refused script or style and no console error (tests/browser.py fails the test
otherwise), and the scripts moved out of the templates still work."""

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from bookings.links import seller_cancel_token, seller_token
from bookings.models import BookingStatus
from stations.models import SpaceKind
from tests import factories

pytestmark = pytest.mark.e2e


@pytest.fixture
def logged_in_page(party_context, live_server):
    """A page whose context carries the session of `user` (no login form to fill)."""

    def make(user):
        client = Client()
        client.force_login(user)
        context = party_context()
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        return context.new_page()

    return make


@pytest.fixture
def booking(paris_11, buyer, charter):
    return factories.BookingFactory(
        station=paris_11,
        space=paris_11.spaces.get(kind=SpaceKind.ROOM),
        buyer=buyer,
        buyer_charter_version=charter,
        seller_email="seller@example.net",
        status=BookingStatus.PENDING,
    )


def _visit(page, urls, browser_problems):
    for url in urls:
        response = page.goto(url)
        assert response.ok, f"{url} answered {response.status}"
        page.wait_for_load_state("load")
    # Named here, page by page, rather than only at the test's end.
    assert not browser_problems, browser_problems


def test_the_guard_fails_a_test_on_a_refused_script_an_exception_or_a_console_error(
    buyer_page, live_server, browser_problems
):
    buyer_page.goto("/")
    buyer_page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "document.title = 'injected'";
          document.body.append(script);
          setTimeout(() => { throw new Error("a bug in a script"); });
          console.error("something went wrong");
        }"""
    )
    buyer_page.wait_for_timeout(200)
    buyer_page.evaluate("0")
    reported = "\n".join(browser_problems)
    assert "script-src" in reported
    assert "a bug in a script" in reported
    assert "something went wrong" in reported
    assert buyer_page.title() != "injected"
    browser_problems.clear()  # expected here; any other test would fail at teardown


def test_public_and_seller_pages_load_without_a_violation(buyer_page, browser_problems, paris_11, booking):
    _visit(
        buyer_page,
        [
            "/",
            "/stations/",
            f"/stations/{paris_11.slug}/",
            "/charter/",
            "/privacy/",
            "/legal/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            reverse("bookings:seller-invite", args=[seller_token(booking)]),
            reverse("bookings:seller-cancel", args=[seller_cancel_token(booking)]),
        ],
        browser_problems,
    )


def test_the_buyers_pages_load_without_a_violation(logged_in_page, browser_problems, buyer, paris_11, booking):
    page = logged_in_page(buyer)
    _visit(
        page,
        [
            reverse("bookings:mine"),
            reverse("bookings:detail", args=[booking.reference]),
            reverse("bookings:cancel", args=[booking.reference]),
            reverse("bookings:item", args=[paris_11.slug]),
            "/accounts/email/",
            "/accounts/password/change/",
        ],
        browser_problems,
    )
    # The cancel box keeps its width from the stylesheet now that style="" is gone.
    page.goto(reverse("bookings:detail", args=[booking.reference]))
    expect(page.locator(".sx-narrow-card")).to_have_css("max-width", "576px")


def test_the_station_admin_loads_without_a_violation_and_the_print_button_prints(
    logged_in_page, browser_problems, staff_11e, booking
):
    booking.unstaffed_since = booking.created_at  # the changelist flags it in red
    booking.save()
    page = logged_in_page(staff_11e)
    _visit(
        page,
        [
            "/admin/",
            "/admin/bookings/booking/",
            f"/admin/bookings/booking/{booking.pk}/change/",
            "/admin/bookings/booking/desk/",
            "/admin/bookings/booking/statistics/",
            "/admin/stations/closure/add/",
            "/admin/bookings/booking/schedule/",
        ],
        browser_problems,
    )
    page.evaluate("() => { window.sxPrinted = 0; window.print = () => { window.sxPrinted += 1; }; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.sxPrinted") == 1


def test_every_admin_list_and_add_form_loads_without_a_violation(logged_in_page, browser_problems, admin_user, rf):
    page = logged_in_page(admin_user)
    request = rf.get("/admin/")
    request.user = admin_user
    urls = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if model_admin.has_add_permission(request):  # bookings and their audit trail are never added by hand
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    _visit(page, urls, browser_problems)
