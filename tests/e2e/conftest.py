"""Browser tests: Debian's Chromium driven by pytest-playwright against pytest-django's live_server.

Playwright's sync API keeps an asyncio event loop running in the test thread, so Django's ORM
would refuse to run there (SynchronousOnlyOperation): the fixtures that create the station, the
charter and the staff account, and the database flush after the test. Nothing in that thread
runs concurrently with itself (the live server has its own thread), so the guard is lifted. Django
reads the variable at each ORM call; it is set first thing so it is in place before any fixture.
"""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Every wait is bounded well below the whole journey's budget (~30 s).
ACTION_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, pointed at the system Chromium: never a downloaded browser."""
    if not Path(CHROMIUM_PATH).is_file():
        message = f"needs Chromium at {CHROMIUM_PATH} (set CHROMIUM_PATH)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM_PATH, "args": CHROMIUM_ARGS}


@pytest.fixture
def party_context(new_context, live_server):
    """A fresh browser context (own cookies, so its own session) per party, rooted at the live server."""

    def make():
        context = new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/Paris")
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
        return context

    return make


@pytest.fixture
def buyer_page(party_context):
    return party_context().new_page()


@pytest.fixture
def seller_page(party_context):
    return party_context().new_page()


@pytest.fixture
def staff_page(party_context):
    return party_context().new_page()


@pytest.fixture
def screenshot():
    """With E2E_SCREENSHOTS=<folder> (e.g. /tmp), save full-page screenshots there as e2e-<step>.png."""
    folder = os.environ.get("E2E_SCREENSHOTS")

    def save(page, name):
        if folder:
            page.screenshot(path=Path(folder) / f"e2e-{name}.png", full_page=True)

    return save
