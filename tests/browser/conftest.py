"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Without Chromium the browser tests are skipped with a message saying how to install it —
except in CI (CI=true), where a missing browser is a failure.
"""

import json
import os
import re
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


# Every `aria-describedby`, `aria-labelledby` and `for` must name an element of the page: a
# reference to nothing leaves a field without its label or its help for a screen reader, and
# axe does not check `for` at all. Injected through the DevTools protocol into every document
# the journeys load (so the page's CSP stays intact), it reports on the console.
BROKEN_REFERENCE = "BROKEN-ID-REFERENCE"
ID_REFERENCES = """() => {
  const broken = [];
  for (const attr of ["aria-describedby", "aria-labelledby"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      // The admin's hidden "add another" template: its ids are only made when it is copied.
      if (el.closest(".empty-form")) continue;
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) {
          broken.push(`${el.tagName.toLowerCase()} ${attr}="${id}"`);
        }
      }
    }
  }
  for (const label of document.querySelectorAll("label[for]")) {
    if (label.closest(".empty-form")) continue;
    if (!document.getElementById(label.htmlFor)) broken.push(`label for="${label.htmlFor}"`);
  }
  return broken;
}"""
ID_REFERENCES_ON_LOAD = f"""document.addEventListener("DOMContentLoaded", () => {{
  const broken = ({ID_REFERENCES})();
  if (broken.length) {{
    console.error("{BROKEN_REFERENCE} " + location.pathname + " " + JSON.stringify(broken));
  }}
}});"""


@pytest.fixture
def broken_references():
    return []


def watch(page, csp_violations, broken_references) -> None:
    """Collect the CSP violations and the broken id references of every page of a context."""

    def on_console(message):
        if "Content Security Policy" in message.text:
            csp_violations.append(message.text)
        elif message.text.startswith(BROKEN_REFERENCE):
            path, broken = message.text.removeprefix(BROKEN_REFERENCE).split(maxsplit=1)
            if broken := json.loads(broken):
                broken_references.append((path, broken))

    page.on("console", on_console)


def new_context(browser, live_server, csp_violations, broken_references, locale="fr-BE"):
    context = browser.new_context(base_url=live_server.url, locale=locale)
    context.set_default_timeout(15_000)
    context.add_init_script(script=ID_REFERENCES_ON_LOAD)
    # Every CSP violation and every broken reference in a journey is a failure: collect them
    # from the console of every page the context opens (pop-ups included).
    context.on("page", lambda other: watch(other, csp_violations, broken_references))
    return context


@pytest.fixture
def page(browser, live_server, csp_violations, broken_references, settings):
    from tests.reference_data import ensure_reference_data

    ensure_reference_data()
    settings.SITE_URL = live_server.url
    context = new_context(browser, live_server, csp_violations, broken_references)
    page = context.new_page()
    yield page
    context.close()
    assert not csp_violations, csp_violations
    assert not broken_references, broken_references


def run_axe(page) -> list[dict]:
    """Serious or critical accessibility violations on the current page (axe-core)."""
    # Evaluated through the DevTools protocol, not as an inline <script>: the page's CSP stays
    # intact and a violation still means the portal itself broke it.
    page.evaluate(AXE.read_text())
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    # The id references as they are now (a script may have changed the page since it loaded).
    if broken := page.evaluate(ID_REFERENCES):
        violations.append({"id": "broken-id-reference", "impact": "serious", "nodes": broken})
    return violations


def sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()


# --- Helpers for the designation, roles, refusal and contact-centre journeys ---------------

PASSWORD = "correct-horse-battery"  # the factories' password


@pytest.fixture
def open_page(browser, live_server, csp_violations, broken_references):
    """Another person's browser (its own cookies), watched for CSP violations like `page`."""
    contexts = []

    def open_page(locale: str = "fr-BE"):
        context = new_context(browser, live_server, csp_violations, broken_references, locale)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def reauthenticate(page, password: str = PASSWORD) -> None:
    """allauth asks for the password again before a sensitive action (this fails if it does
    not): type it, as a person would. The suspended request resumes by itself afterwards."""
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def reauthenticate_if_asked(page, password: str = PASSWORD) -> bool:
    """The same when the last reauthentication may still be recent enough (5 minutes)."""
    page.wait_for_load_state()
    if "/accounts/reauthenticate/" not in page.url:
        return False
    reauthenticate(page, password)
    return True


def sign_in_here(page, email: str, password: str = PASSWORD) -> None:
    """Sign in on the login page a protected link led to (allauth brings the person back)."""
    assert "/accounts/login/" in page.url, page.url
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def link_in_mail(to: str, path_part: str) -> str:
    """The newest link containing `path_part` in an e-mail sent to `to` (test outbox)."""

    from django.core import mail

    for message in reversed(mail.outbox):
        if to.lower() not in [address.lower() for address in message.to]:
            continue
        for url in re.findall(r"https?://[^\s\"'<>]+", message.body):
            if path_part in url:
                return url
    raise AssertionError(
        f"no e-mail to {to} with a link to {path_part}: "
        + repr([(m.to, m.subject) for m in mail.outbox])
    )


def enterprise_chain(*, co_rae: bool = False, co_gl: bool = False):
    """Starting data for the journeys that do not test the chain itself: a registry enterprise
    with a signing mandate, registered by its legal representative, an RAE, the quality
    "employer" activated and an active local manager — made through the services, so the
    guardian grants are the real ones."""
    from types import SimpleNamespace

    from accounts.tests.factories import UserFactory
    from enterprises import services
    from enterprises.models import Designation, Quality
    from enterprises.tests.factories import EnterpriseFactory, MandateFactory

    def accept(designation, person):
        services.designation_accept(
            actor=person, designation=Designation.objects.get(pk=designation.pk)
        )

    people = SimpleNamespace(
        lr=UserFactory(first_name="Louise", last_name="Renard"),
        rae=UserFactory(first_name="Raoul", last_name="Aerts"),
        gl=UserFactory(first_name="Gisèle", last_name="Lambert"),
        co_rae=UserFactory(first_name="Corentin", last_name="Raes") if co_rae else None,
        co_gl=UserFactory(first_name="Colin", last_name="Goossens") if co_gl else None,
    )
    enterprise = EnterpriseFactory(name="Boulangerie Dupont")
    MandateFactory(enterprise=enterprise, national_number=people.lr.national_number)
    services.enterprise_register(
        actor=people.lr, enterprise=enterprise, rae=services.PersonData.of_user(people.rae)
    )
    accept(Designation.objects.get(enterprise=enterprise, kind="rae"), people.rae)
    if co_rae:
        designation = services.co_rae_designate(
            actor=people.rae,
            enterprise=enterprise,
            person=services.PersonData.of_user(people.co_rae),
        )
        accept(designation, people.co_rae)
    eq = services.quality_activate(
        actor=people.rae, enterprise=enterprise, quality=Quality.objects.get(code="employer")
    )
    accept(
        services.gl_designate(
            actor=people.rae, enterprise_quality=eq, person=services.PersonData.of_user(people.gl)
        ),
        people.gl,
    )
    if co_gl:
        accept(
            services.gl_designate(
                actor=people.gl,
                enterprise_quality=eq,
                person=services.PersonData.of_user(people.co_gl),
                kind="co_gl",
            ),
            people.co_gl,
        )
    return SimpleNamespace(enterprise=enterprise, eq=eq, **vars(people))
