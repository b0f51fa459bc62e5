"""axe-core finds no violation, of any impact, on the pages people use: both languages, desktop and phone.

Each test is one language: it builds its world once (paris-11 with an officer
on shift, the charter, a buyer with a pending and a confirmed booking), then walks every page as
the person who sees it: the public pages and the seller's invitation as an anonymous visitor, the
booking wizard (each step, and the charter's refusal and a missing acceptance as error states),
"My bookings" and a booking's page as the buyer. Each page is checked at a desktop's size (1280×800),
then at a phone's (390×844): the server draws the same page for both, so the window is resized
rather than the page loaded twice. All the violations of a walk are reported at once.

axe-core is the file vendored in static/vendor/ (static/vendor/README.md); no template loads it.
It is added as an init script of the test's browser context: init scripts run outside the page's
Content-Security-Policy, which refuses the inline <script> that `page.add_script_tag` would write.
"""

import re
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from bookings.links import seller_cancel_path, seller_invite_path
from bookings.models import BookingStatus
from bookings.selectors import station_booking_days, station_free_slots
from bookings.seller_proposals import (
    seller_proposal_buyer_path,
    seller_proposal_confirm,
    seller_proposal_create,
    seller_proposal_manage_path,
)
from stations.models import Room
from tests import factories

pytestmark = pytest.mark.e2e

AXE_PATH = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core-4.14.1" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# Every rule axe runs by default (WCAG 2.0/2.1 A and AA, and its best practices): no tag filter.
RUN_AXE = "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
REFUSED_ITEM = {
    "en": "Blades and sharp objects are not allowed.",
    "fr": "Les lames et objets tranchants sont interdits.",
}


def _context(new_context, live_server, *, language):
    context = new_context(
        base_url=live_server.url,
        locale={"en": "en-GB", "fr": "fr-FR"}[language],
        timezone_id="Europe/Paris",
        viewport=VIEWPORTS["desktop"],
    )
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    context.add_init_script(path=AXE_PATH)
    return context


def _log_in(context, live_server, user):
    """The buyer's session, made by Django's test client and handed to the browser as its cookie."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _node(node) -> str:
    """Where axe found it (the innermost selector) and what to fix (the summary's last line)."""
    where = node["target"][-1] if node["target"] else "?"
    return f"{where}: {node['failureSummary'].splitlines()[-1].strip()}"


class Audit:
    """Runs axe on the page as it is now, on each screen size, under a name, and keeps what it found."""

    def __init__(self, screenshot, prefix):
        self.screenshot = screenshot
        self.prefix = prefix
        self.findings = []
        self.names = []

    def __call__(self, page, name):
        page.wait_for_load_state("load")
        self.names.append(name)
        for screen, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            self.screenshot(page, f"{self.prefix}-{screen}-{name}")
            for violation in page.evaluate(RUN_AXE):
                nodes = "; ".join(_node(node) for node in violation["nodes"][:4])
                found = f"{violation['id']} ({violation['impact']}): {violation['help']}"
                self.findings.append(f"[{name}, {screen}] {found} ({len(violation['nodes'])}×) {nodes}")
        page.set_viewport_size(VIEWPORTS["desktop"])

    def visit(self, page, path, name):
        response = page.goto(path)
        assert response.ok, f"{path} answered {response.status}"
        self(page, name)


def _world(paris_11, buyer, charter):
    room = Room.objects.get(station=paris_11)
    # 10:00 and 11:00 local time three days on: inside the opening hours, whatever the hour now.
    day = timezone.localdate(timezone.now(), paris_11.zone) + timedelta(days=3)
    ten = datetime.combine(day, time(10, 0), paris_11.zone)
    common = {"station": paris_11, "space": room, "buyer": buyer, "seller_name": "Camille Vendeur"}
    common["buyer_charter_version"] = charter  # the factory would publish a version of its own
    pending = factories.BookingFactory(**common, starts_at=ten, status=BookingStatus.PENDING)
    confirmed = factories.BookingFactory(
        **common,
        starts_at=ten + timedelta(hours=1),
        status=BookingStatus.CONFIRMED,
        item_title="Machine à coudre",
    )
    return pending, confirmed


def _walk_public_pages(page, audit, station, pending, confirmed):
    audit.visit(page, "/", "home")
    audit.visit(page, "/stations/", "directory")
    audit.visit(page, f"/stations/{station.slug}/", "station")
    audit.visit(page, "/charter/", "charter")
    audit.visit(page, "/privacy/", "privacy")
    audit.visit(page, "/legal/", "legal")
    audit.visit(page, "/accounts/login/", "login")
    audit.visit(page, "/accounts/signup/", "signup")
    audit.visit(page, seller_invite_path(pending), "seller-invite")
    audit.visit(page, seller_cancel_path(confirmed), "seller-cancel")


def _submit(page):
    page.locator("main form button[type=submit]").last.click()


def _walk_wizard(page, audit, station, language):
    audit.visit(page, f"/bookings/new/{station.slug}/", "wizard-item")

    page.locator("#id_item_title").fill("Machette de jardin")
    _submit(page)
    summary = page.locator("[data-sx-error-summary]")
    expect(summary).to_contain_text(REFUSED_ITEM[language])
    expect(summary).to_be_focused()
    audit(page, "wizard-item-refused")

    page.locator("#id_item_title").fill("Vélo de course")
    _submit(page)
    expect(page).to_have_url(re.compile(r"/slot/"))
    audit(page, "wizard-slot")
    page.locator("[role=group] a").first.click()
    expect(page.locator(".slot-grid label").first).to_be_visible()
    audit(page, "wizard-slot-day")
    page.locator(".slot-grid label").first.click()
    _submit(page)

    expect(page).to_have_url(re.compile(r"/seller/"))
    page.locator("#id_seller_email").fill("not an address")
    page.locator("#id_seller_name").fill("Camille Vendeur")
    _submit(page)
    expect(page.locator("#id_seller_email")).to_have_attribute("aria-invalid", "true")
    audit(page, "wizard-seller-error")
    page.locator("#id_seller_email").fill("camille.vendeur@example.net")
    _submit(page)

    expect(page).to_have_url(re.compile(r"/review/"))
    audit(page, "wizard-review")
    _submit(page)  # without accepting the charter
    expect(page.locator("[data-sx-error-summary]")).to_be_focused()
    audit(page, "wizard-review-error")


def _walk_seller_proposal(visitor, page, audit, station, charter):
    """The seller's two steps (an error on the second), the page after, their page; the buyer's page."""
    audit.visit(visitor, f"/bookings/propose/{station.slug}/", "proposal-item")
    visitor.locator("#id_item_title").fill("Vélo de course")
    _submit(visitor)
    expect(visitor).to_have_url(re.compile(r"/times/"))
    audit(visitor, "proposal-times")
    _submit(visitor)  # nothing ticked, nothing given
    expect(visitor.locator("#id_slots_error")).to_be_visible()
    audit(visitor, "proposal-times-error")

    days = station_booking_days(station)
    slots = station_free_slots(station=station, kind="room", first_day=days[1], last_day=days[-1])[:2]
    proposal = seller_proposal_create(
        station=station,
        item={"item_title": "Lampe de bureau", "item_description": "", "item_kind": "goods", "listing_url": ""},
        slot_keys=[slot.key for slot in slots],
        seller_email="camille.vendeur@example.net",
        seller_first_name="Camille",
        seller_last_name="Vendeur",
        charter_version=charter,
    )
    audit.visit(visitor, seller_proposal_manage_path(proposal), "proposal-seller-unconfirmed")
    seller_proposal_confirm(proposal=proposal)
    audit.visit(visitor, seller_proposal_manage_path(proposal), "proposal-seller")
    audit.visit(page, seller_proposal_buyer_path(proposal), "proposal-take")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_axe_finds_no_violation(
    language, new_context, browser_problems, live_server, paris_11, officer, charter, buyer, screenshot
):
    pending, confirmed = _world(paris_11, buyer, charter)
    audit = Audit(screenshot, f"a11y-{language}")

    visitor = _context(new_context, live_server, language=language).new_page()
    _walk_public_pages(visitor, audit, paris_11, pending, confirmed)

    buyer_context = _context(new_context, live_server, language=language)
    _log_in(buyer_context, live_server, buyer)
    page = buyer_context.new_page()
    audit.visit(page, "/bookings/", "my-bookings")
    audit.visit(page, f"/bookings/{confirmed.reference}/", "booking-detail")
    audit.visit(page, f"/bookings/{pending.reference}/", "booking-detail-pending")
    audit.visit(page, "/accounts/me/", "my-account")
    _walk_wizard(page, audit, paris_11, language)
    _walk_seller_proposal(visitor, page, audit, paris_11, charter)

    # Last, as it confirms the pending booking: the seller's page with an error (no name given; the
    # page answers 400, which the browser logs), then the page the seller lands on after accepting.
    visitor.goto(seller_invite_path(pending))
    accept = visitor.locator("main form").filter(has=visitor.locator("#id_accept_charter"))
    accept.locator("#id_accept_charter").check()
    accept.locator("button[type=submit]").click()
    expect(visitor.locator("[data-sx-error-summary]")).to_be_focused()
    audit(visitor, "seller-invite-error")
    browser_problems[:] = [p for p in browser_problems if "status of 400" not in p]
    accept.locator("#id_first_name").fill("Camille")
    accept.locator("#id_last_name").fill("Vendeur")
    accept.locator("#id_accept_charter").check()
    accept.locator("button[type=submit]").click()
    expect(visitor.locator("h1")).to_contain_text(pending.reference)
    audit(visitor, "seller-answered")

    assert page.evaluate("document.documentElement.lang") == language
    assert len(audit.names) == 29, audit.names
    assert not audit.findings, f"axe-core ({language}):\n" + "\n".join(audit.findings)


def test_axe_reports_what_it_finds(new_context, live_server, db):
    """The check can fail: an image without a text alternative, and the header's old 55 % white link on white."""
    context = _context(new_context, live_server, language="en")
    page = context.new_page()
    page.goto("/privacy/")
    page.evaluate(
        """() => {
        const main = document.querySelector('main');
        main.append(Object.assign(document.createElement('img'), {src: 'data:,'}));
        const faint = {className: 'bg-primary text-white-50 p-2', textContent: 'Stations'};
        main.append(Object.assign(document.createElement('p'), faint));
    }"""
    )
    found = {violation["id"] for violation in page.evaluate(RUN_AXE)}
    assert {"image-alt", "color-contrast"} <= found, found
