"""Browser fixtures: Debian's Chromium driven by Playwright against Django's live server."""

import os
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Error as PlaywrightError

from exdesk.testing import require

CHROMIUM = os.environ.get("EXDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
LOCAL_HOSTS = {"127.0.0.1", "localhost", ""}


def _serve_one_request_at_a_time() -> None:
    """With the in-memory SQLite test database, the live server's threads share the test's
    one connection; a page and its background fetches at the same moment then interleave
    savepoints on it ("no such savepoint"). Django's non-threaded server answers one
    request after another (and closes each connection, so nothing waits on keep-alive)."""
    from django.core.servers.basehttp import WSGIServer
    from django.db import connection
    from django.test.testcases import LiveServerThread

    class OneAtATime(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            # The server thread itself already uses the test's connection.
            super().__init__(*args, **kwargs)

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        LiveServerThread.server_class = OneAtATime


@pytest.fixture(scope="session", autouse=True)
def _live_server_for_the_test_database(django_db_setup):
    _serve_one_request_at_a_time()


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}")
    require(AXE.exists(), "axe-core not installed (npm ci)")
    # Playwright's sync API runs an event loop in this thread; the test's ORM calls are
    # still synchronous, so Django's async-safety guard is relaxed for browser tests only.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watch:
    """What a page did that it must not: script from payloads, foreign hosts, JS errors."""

    def __init__(self):
        self.dialogs: list[str] = []
        self.foreign_requests: list[str] = []
        self.page_errors: list[str] = []

    def clean(self) -> bool:
        return not (self.dialogs or self.foreign_requests or self.page_errors)


def _new_page(browser, live_server, **options):
    return open_page(browser, live_server.url, **options)


def open_page(browser, base_url: str, **options):
    """A new context and page on ``base_url`` with a ``Watch`` (also for servers other than
    pytest-django's live server, e.g. a ``running_exdesk`` with WebSockets)."""
    context = browser.new_context(base_url=base_url, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = Watch()

    def on_dialog(dialog):
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_request(request):
        if urlparse(request.url).hostname not in LOCAL_HOSTS and not request.url.startswith(
            ("data:", "blob:", "about:")
        ):
            watch.foreign_requests.append(request.url)

    page.on("dialog", on_dialog)
    page.on("request", on_request)
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    page.watch = watch
    return context, page


@pytest.fixture
def new_page(browser, live_server, transactional_db):
    contexts = []

    def make(**options):
        options.setdefault("bypass_csp", False)
        context, page = _new_page(browser, live_server, **options)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()
    _wait_until_served(live_server.url)


def _wait_until_served(base_url: str) -> None:
    """Return once a request the browser sent before closing has been answered. The live
    server answers one request at a time, so a request of our own is answered after it:
    otherwise its writes can race the database flush that follows the test (a content
    type created twice failed a teardown)."""
    import contextlib
    import urllib.error
    import urllib.request

    # A refusal means the server is gone: nothing of the browser's is in flight either.
    with contextlib.suppress(urllib.error.URLError):
        urllib.request.urlopen(f"{base_url}/robots.txt", timeout=30).close()


def check_accessibility(page) -> None:
    """Run axe-core (WCAG 2.0-2.2 A and AA rules) on the current page; fail on violations.

    A click on a link returns before the next page has loaded; should the
    navigation replace the document while axe runs, wait for the new page and
    run axe again on it.
    """
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            page.evaluate(AXE.read_text())
            violations = page.evaluate(
                """async () => (await axe.run(document, {
                    runOnly: {type: 'tag',
                              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
                })).violations.map(v => ({id: v.id, impact: v.impact,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
            )
            break
        except PlaywrightError as error:
            navigated = "context was destroyed" in str(error) or "documentElement" in str(error)
            if not navigated or attempt == 2:
                raise
    assert violations == [], f"axe violations on {page.url}: {violations}"


def fits_phone_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def token_from(url: str) -> str:
    return re.search(r"/support/t/([^/]+)/", url).group(1)


def sign_in_with_session(page, user, base_url: str) -> None:
    """Give the browser a session that passed both factors (the sign-in is tested elsewhere)."""
    from exdesk.testing import signed_in

    cookies = signed_in(user).cookies
    page.context.add_cookies(
        [{"name": name, "value": morsel.value, "url": base_url} for name, morsel in cookies.items()]
    )
