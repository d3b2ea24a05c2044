"""The "profiles" and "phone" journeys: each profile's first pages, in French and in German or
Dutch, at a desktop's and at a phone's width, with axe on every page; the screenshots a reviewer
looks at (README, "Screenshots"); and "Designate myself", with and without JavaScript.
"""

import pytest
from playwright.sync_api import expect

from enterprises.models import Designation
from tests.browser.conftest import run_axe
from tests.browser.profile_pages import (
    DESKTOP,
    PHONE,
    look_up,
    open_as,
    profile_pages,
    profiles_world,
    screenshot,
)

pytestmark = pytest.mark.django_db(transaction=True)


def walk_the_profiles(page, language: str, check=None) -> list[str]:
    """Every profile's pages, axe on each (and `check`, if given); the main page of each
    profile photographed. Returns the pages visited."""
    world = profiles_world()
    visited = []
    for profile, person, paths in profile_pages(world):
        open_as(page, person)
        for index, path in enumerate(paths):
            page.goto(path)
            if path == "/contact-centre/":
                look_up(page, world)  # the agent's page is the look-up and its result
            assert page.locator("html").get_attribute("lang") == language, (path, language)
            assert not run_axe(page), (profile, path)
            if check:
                check(page, path)
            visited.append(path)
            if index == 0:
                screenshot(page, profile, language)
    return visited


@pytest.mark.parametrize(("language", "locale"), [("fr", "fr-BE"), ("de", "de-BE")])
def test_every_profile_s_first_pages_on_a_desktop(page, open_page, language, locale):
    desktop = open_page(locale)
    desktop.set_viewport_size(DESKTOP)
    assert len(walk_the_profiles(desktop, language)) == 11


def fits_a_phone(page, path: str) -> None:
    if path.startswith("/admin/"):
        return  # Django's own admin: an editor works there on a desktop
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} is {width} px wide on a phone"


@pytest.mark.parametrize(("language", "locale"), [("fr", "fr-BE"), ("nl", "nl-BE")])
def test_every_profile_s_first_pages_on_a_phone(page, open_page, language, locale):
    phone = open_page(locale)
    phone.set_viewport_size(PHONE)
    assert len(walk_the_profiles(phone, language, check=fits_a_phone)) == 11


def designate_gl_page(page, world) -> None:
    page.goto(f"/enterprises/{world.enterprise.number}/")
    page.locator("section.card", has_text=world.eq.quality.name).locator(
        "a[href$='/local-managers/new/']"
    ).first.click()
    page.locator("input[name=myself]").wait_for()


IDENTITY = ("first_name", "last_name", "national_number", "email")


def test_designate_myself_disables_the_other_person_s_fields(page):
    world = profiles_world()
    open_as(page, world.rae)
    designate_gl_page(page, world)
    assert not run_axe(page)
    for name in IDENTITY:
        expect(page.locator(f"main input[name={name}]")).to_be_enabled()

    page.locator("input[name=myself]").check()
    for name in IDENTITY:
        expect(page.locator(f"main input[name={name}]")).to_be_disabled()
    # The e-mail's language stays: a required field, which a disabled control would not send.
    expect(page.locator("main select[name=language]")).to_be_enabled()
    assert not run_axe(page)

    # Unchecked: the person's fields can be typed in again.
    page.locator("input[name=myself]").uncheck()
    for name in IDENTITY:
        expect(page.locator(f"main input[name={name}]")).to_be_enabled()

    page.locator("input[name=myself]").check()
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page).to_have_url(f"/enterprises/{world.enterprise.number}/")
    assert Designation.objects.get(kind="gl", person=world.rae).status == "active"


def test_designate_myself_without_javascript_works_as_before(browser, live_server, page):
    world = profiles_world()
    context = browser.new_context(
        base_url=live_server.url, locale="fr-BE", java_script_enabled=False
    )
    try:
        no_script = context.new_page()
        open_as(no_script, world.rae)
        designate_gl_page(no_script, world)
        no_script.locator("input[name=myself]").check()
        # Nothing is disabled; a name typed anyway is ignored, as the help text says.
        for name in IDENTITY:
            expect(no_script.locator(f"main input[name={name}]")).to_be_enabled()
        no_script.locator("input[name=first_name]").fill("Quelqu'un d'autre")
        no_script.locator("main form[method=post] button[type=submit]").click()
        expect(no_script).to_have_url(f"/enterprises/{world.enterprise.number}/")
        designation = Designation.objects.get(kind="gl", person=world.rae)
        assert designation.status == "active"
        assert designation.first_name == world.rae.first_name
    finally:
        context.close()
