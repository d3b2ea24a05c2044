"""The content editor's journey: the wizard page editing form's fr/nl/de/en tabs work with
every asset served by the portal itself, under its Content-Security-Policy."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from portal.groups import WIZARD_EDITORS
from tests.browser.conftest import PASSWORD, run_axe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_editor_switches_the_translation_tabs_offline(page, live_server):
    from wizard.models import Page

    editor = UserFactory(password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name=WIZARD_EDITORS))
    wizard_page = Page.objects.get(slug="user-request-role")
    # Every request the browser makes, to prove nothing is fetched from another host (the
    # editors' tabs used to load jQuery UI from ajax.googleapis.com).
    requested: list[str] = []
    fetched: list[str] = []  # the tabs' panels are on the page: switching fetches nothing
    page.on("request", lambda request: requested.append(request.url))
    page.on(
        "request",
        lambda request: (
            fetched.append(request.url) if request.resource_type in ("xhr", "fetch") else None
        ),
    )

    sign_in(page, editor.email, PASSWORD)
    administration = page.locator("nav.primary a[href='/admin/']")
    expect(administration).to_be_visible()
    administration.click()
    expect(page.locator("#content-main a[href$='/wizard/page/']").first).to_be_visible()
    assert not run_axe(page)
    page.goto(f"/admin/wizard/page/{wizard_page.pk}/change/")

    # One tab per language above the title, French first and open.
    title_tabs = page.locator(".ui-tabs").filter(has=page.locator("input[name=title_fr]"))
    expect(title_tabs.locator("[role=tab]")).to_have_text(["fr", "nl", "de", "en"])
    expect(page.locator("input[name=title_fr]")).to_be_visible()
    expect(page.locator("input[name=title_nl]")).to_be_hidden()

    title_tabs.locator("[role=tab]", has_text="nl").click()
    expect(page.locator("input[name=title_nl]")).to_be_visible()
    expect(page.locator("input[name=title_nl]")).to_have_value(wizard_page.title_nl)
    expect(page.locator("input[name=title_fr]")).to_be_hidden()
    # The switch beside the page's title moves every translated field to one language.
    expect(page.locator("textarea[name=body_nl]")).to_be_hidden()
    page.locator("#modeltranslation-main-switch").select_option(label="nl")
    expect(page.locator("textarea[name=body_nl]")).to_be_visible()
    expect(page.locator("textarea[name=body_fr]")).to_be_hidden()

    # Tabs and switch are named and not nested in one another (wizard/admin/translation_tabs.js).
    assert not run_axe(page)

    # The keyboard moves between the tabs too (arrow keys, the tab list's own focus).
    title_tabs.locator("[role=tab]", has_text="nl").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("input[name=title_de]")).to_be_visible()
    expect(page.locator("input[name=title_nl]")).to_be_hidden()
    # Every asset came from the portal (the CSP violations are the `page` fixture's check).
    outside = sorted(
        {
            urlsplit(url).netloc
            for url in requested
            if urlsplit(url).scheme in ("http", "https")
            and urlsplit(url).netloc != urlsplit(live_server.url).netloc
        }
    )
    assert not outside, f"requests to other hosts: {outside}"
    assert not fetched, fetched
