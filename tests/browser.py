"""Every browser test fails on a console error, an uncaught exception or a CSP violation.

tests/conftest.py imports `new_context` from here, so it overrides pytest-playwright's fixture of
that name for every test under tests/: pytest-playwright's `context` and `page`, and the
contexts that tests/e2e and tests/charter open themselves, all come from it. A page that the
Content-Security-Policy breaks (an inline script, an onclick, a style attribute) or whose script
throws then fails the test that opened it, even when the test's own assertions did not notice.
"""

import pytest

# Chromium logs a refused inline script or style as a console error; the event also reaches
# the page's own scripts. Init scripts run outside the page's CSP, so this one always runs.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} refused ${event.blockedURI || "inline code"}`
    + ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""


# The directory's map draws OpenStreetMap's tiles (stations/views.py). Tests never reach that
# server: every request to it is aborted, and the page must work without them, so the failed
# loads it logs are expected and are the only failed loads not reported.
MAP_TILES = "https://tile.openstreetmap.org/"


@pytest.fixture
def browser_problems():
    """What went wrong in the test's browser pages; a test that expects an error may take it out."""
    return []


@pytest.fixture
def new_context(new_context, browser_problems):
    def make(**kwargs):
        context = new_context(**kwargs)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.route(f"{MAP_TILES}**", lambda route: route.abort())
        context.on("console", lambda message: _record_console(browser_problems, message))
        context.on("weberror", lambda error: _record_error(browser_problems, error))
        contexts.append(context)
        return context

    contexts = []
    yield make
    for context in contexts:
        for page in context.pages:
            # Events reach Python while the driver is awaited: one round trip per open page
            # delivers any that are still on their way.
            if not page.is_closed():
                page.evaluate("0")
    assert not browser_problems, "the browser reported:\n" + "\n".join(browser_problems)


def _record_console(problems, message) -> None:
    if message.type == "error":
        url = (message.location or {}).get("url") or (message.page.url if message.page else "?")
        if url.startswith(MAP_TILES) and message.text.startswith("Failed to load resource"):
            return
        problems.append(f"console error on {url}: {message.text}")


def _record_error(problems, error) -> None:
    problems.append(f"uncaught exception on {error.page.url if error.page else '?'}: {error.error}")
