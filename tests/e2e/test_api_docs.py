"""The partner API's interactive docs in a real browser: Swagger UI from our static files, under the site's
CSP, with no refused script or style and no console error (tests/browser.py fails the test otherwise)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_api_docs_load_under_the_sites_policy(buyer_page, live_server, browser_problems, db):
    response = buyer_page.goto("/api/v1/docs")

    assert response.ok
    expect(buyer_page.get_by_text("Safe Exchange partner API")).to_be_visible()
    expect(buyer_page.get_by_text("/api/v1/stations/{slug}/slots")).to_be_visible()
    assert not browser_problems, browser_problems
