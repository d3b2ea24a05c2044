"""Every page a person uses fits a phone's width: nothing makes the page itself scroll sideways
(wide tables scroll inside their own box), and the profiles' tables stack one card per row so
that the person, the role and the status are read without scrolling at all."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, enterprise_chain, sign_in
from tests.browser.profile_pages import PHONE, look_up, open_as, profiles_world

pytestmark = pytest.mark.django_db(transaction=True)


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_the_main_pages_fit_a_phone(page):
    from roles import services
    from roles.models import Role

    chain = enterprise_chain(co_rae=True, co_gl=True)
    [attribution] = services.attribution_grant_direct(
        actor=chain.gl,
        enterprise_quality=chain.eq,
        roles=list(Role.objects.for_quality(chain.eq.quality_id)[:1]),
        national_number=chain.co_rae.national_number,
        first_name=chain.co_rae.first_name,
        last_name=chain.co_rae.last_name,
        email=chain.co_rae.email,
    )
    page.set_viewport_size(PHONE)
    number, eq = chain.enterprise.number, chain.eq.pk
    pages = {
        chain.rae: [f"/enterprises/{number}/", f"/enterprises/{number}/chain/"],
        chain.gl: [
            f"/enterprises/{number}/",
            f"/roles/q/{eq}/",
            f"/roles/q/{eq}/attributions/{attribution.pk}/",
            f"/roles/q/{eq}/invite/",
            f"/roles/q/{eq}/bulk/",
            f"/roles/q/{eq}/links/",
            f"/roles/q/{eq}/invitations/",
        ],
        chain.co_rae: ["/profile/", "/wizard/profiles/", "/enterprises/search/?q=dupont"],
    }
    for person, paths in pages.items():
        page.context.clear_cookies()
        sign_in(page, person.email, PASSWORD)
        # Signed in (the link is in the page; at 390 px it waits behind the "Menu" button).
        page.locator("nav.primary a[href='/profile/']").wait_for(state="attached")
        for path in paths:
            page.goto(path)
            assert overflow(page) <= 0, f"{path} is {overflow(page)} px wider than the phone"


HEADER_MAX = 120  # px at 390 px wide: the page's own content starts on the first screen


def header_height(page) -> float:
    return page.evaluate(
        "document.querySelector('header.site-header').getBoundingClientRect().height"
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_phone_header_is_compact_and_its_menu_opens(browser, live_server, javascript):
    """At 390 px the header is the brand and a "Menu" button; the button (a <details>
    disclosure, so it needs no JavaScript) opens the menu, the tools and "You act for"."""
    from tests.browser.conftest import run_axe
    from tests.reference_data import ensure_reference_data

    ensure_reference_data()
    chain = enterprise_chain(co_gl=True)
    context = browser.new_context(
        base_url=live_server.url, locale="fr-BE", viewport=PHONE, java_script_enabled=javascript
    )
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(page, chain.co_gl.email, PASSWORD)
    # A page whose content is the header's concern only (the tables' own phone layout is
    # another test's): the wizard's home.
    page.goto("/wizard/")
    menu = page.locator("header.site-header details.menu")
    button = menu.locator("summary")
    profile_link = page.locator("nav.primary a[href='/profile/']")

    assert header_height(page) <= HEADER_MAX, f"the header takes {header_height(page)} px"
    assert button.is_visible()
    assert not profile_link.is_visible()
    assert not page.locator("nav.acting").is_visible()
    if javascript:
        assert not run_axe(page)

    button.click()
    assert menu.get_attribute("open") is not None
    for href in ("/enterprises/", "/roles/", "/profile/", "/wizard/", "/enterprises/search/"):
        link = page.locator(f"nav.primary a[href='{href}']")
        assert link.is_visible(), href
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], href
    assert page.locator("#language-select").is_visible()
    assert page.get_by_role("button", name="Se déconnecter").is_visible()
    assert page.locator("nav.acting").is_visible()  # "You act for", with the co-GL's label
    assert "Co-Gestionnaire Local" in page.locator("nav.acting").inner_text()
    assert overflow(page) <= 0
    if javascript:
        assert not run_axe(page)

    page.locator("nav.primary a[href='/roles/']").click()
    page.wait_for_url("**/roles/")
    assert header_height(page) <= HEADER_MAX  # closed again on the next page
    context.close()
    assert not violations, violations


def test_the_wide_screen_header_shows_its_menu_without_a_button(page):
    chain = enterprise_chain()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, chain.gl.email, PASSWORD)
    page.goto("/profile/")
    assert not page.locator("details.menu > summary").is_visible()
    assert page.locator("nav.primary a[href='/roles/']").is_visible()
    assert page.locator("#language-select").is_visible()
    assert page.locator("nav.acting").is_visible()


# Every cell of a table's rows (the first twenty) shown whole inside the phone's width: not
# hidden, not beyond the right edge, not cut off inside its own box.
CELLS_OUT_OF_VIEW = """() => [...document.querySelectorAll("main table tbody tr")]
  .slice(0, 20).flatMap(row => [...row.children])
  .filter(cell => {
    const box = cell.getBoundingClientRect();
    return !cell.checkVisibility() || box.width === 0 || box.left < -0.5
      || box.right > document.documentElement.clientWidth + 0.5
      || cell.scrollWidth > cell.clientWidth + 1;
  })
  .map(cell => `${cell.dataset.label || cell.tagName}: ${cell.textContent.trim().slice(0, 60)}`)"""


def assert_fits_a_phone(page, path: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} is {width} px wide"
    assert page.locator("main table tbody tr").count(), f"{path} shows no table"
    assert not page.evaluate(CELLS_OUT_OF_VIEW), (path, page.evaluate(CELLS_OUT_OF_VIEW))


def assert_in_view(locator) -> None:
    """Seen without scrolling sideways: visible, and inside the phone's width."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


def test_the_profiles_tables_show_the_person_the_role_and_the_status_on_a_phone(page):
    from roles.models import RoleAttribution

    world = profiles_world()
    number, eq = world.enterprise.number, world.eq.pk
    attribution = RoleAttribution.objects.get(person=world.user)
    page.set_viewport_size(PHONE)

    # The local manager's lists: attributions, invitations, links and the request waiting.
    open_as(page, world.gl)
    page.goto(f"/roles/q/{eq}/")
    assert_fits_a_phone(page, "roles list")
    row = page.locator("main table tbody tr", has_text=world.user.last_name)
    assert_in_view(row.locator("th"))  # the person
    assert_in_view(row.locator("td", has_text=attribution.role.name))  # the role
    assert_in_view(row.locator(".badge"))  # the status
    for path in (f"/roles/q/{eq}/invitations/", f"/roles/q/{eq}/links/"):
        page.goto(path)
        assert_fits_a_phone(page, path)
    page.goto(f"/roles/q/{eq}/invitations/")
    row = page.locator("main table tbody tr", has_text="Van den Bossche")
    assert_in_view(row.locator("th"))
    assert_in_view(row.locator("td").first)  # the roles
    assert_in_view(row.locator(".badge"))

    # The RAE's enterprise page (the people of the chain) and the chain's history.
    open_as(page, world.rae)
    for path in (f"/enterprises/{number}/", f"/enterprises/{number}/chain/"):
        page.goto(path)
        assert_fits_a_phone(page, path)
    page.goto(f"/enterprises/{number}/")
    row = page.locator("main table tbody tr", has_text=world.gl.last_name).first
    assert_in_view(row.locator("th"))
    assert_in_view(row.locator(".badge"))

    # The legal representative's enterprises, and a profile with no role yet: the message
    # that says so is read whole.
    open_as(page, world.lr)
    for path in ("/enterprises/", "/profile/"):
        page.goto(path)
        assert_fits_a_phone(page, path)

    # A user's roles.
    open_as(page, world.user)
    page.goto("/profile/")
    assert_fits_a_phone(page, "/profile/")
    row = page.locator("main table tbody tr", has_text=attribution.role.name)
    assert_in_view(row.locator("th"))  # the role
    assert_in_view(row.locator(".badge"))  # the status

    # The contact centre's result.
    open_as(page, world.agent)
    page.goto("/contact-centre/")
    look_up(page, world)
    assert_fits_a_phone(page, "contact-centre result")
    row = page.locator("main table tbody tr").first
    assert_in_view(row.locator("th"))  # the quality
    assert_in_view(row.locator("td", has_text=world.gl.last_name))  # the person
    assert_in_view(row.locator("td .badge").first)  # the status
