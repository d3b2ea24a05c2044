"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Without Chromium the browser tests are skipped with a message saying how to install it —
except in CI (CI=true), where a missing browser is a failure.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
INSTALL_HINT = (
    "Browser tests need Chromium and axe-core: `sudo apt-get install -y chromium` "
    "and `npm install --prefix tests/browser` (or set CHROMIUM_PATH)."
)

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there (fixtures, assertions) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    missing = not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()) or not AXE.exists()
    if missing and os.environ.get("CI", "").lower() != "true":
        for item in browser_items:
            item.add_marker(pytest.mark.skip(reason=INSTALL_HINT))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or not AXE.exists():
        pytest.fail(INSTALL_HINT)  # only reached in CI, where skipping is not allowed
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def csp_violations():
    return []


@pytest.fixture
def page(browser, live_server, csp_violations, settings):
    from tests.reference_data import ensure_reference_data

    ensure_reference_data()
    settings.SITE_URL = live_server.url
    context = browser.new_context(base_url=live_server.url, locale="fr-BE")
    context.set_default_timeout(15_000)
    page = context.new_page()
    # Every CSP violation in a journey is a failure: collect them from the console.
    page.on(
        "console",
        lambda message: csp_violations.append(message.text)
        if "Content Security Policy" in message.text
        else None,
    )
    yield page
    context.close()
    assert not csp_violations, csp_violations


def run_axe(page) -> list[dict]:
    """Serious or critical accessibility violations on the current page (axe-core)."""
    # Evaluated through the DevTools protocol, not as an inline <script>: the page's CSP stays
    # intact and a violation still means the portal itself broke it.
    page.evaluate(AXE.read_text())
    results = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
