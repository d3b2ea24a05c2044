"""Journey 3: refusals. Each person tries what the rules do not let them do, reads who can,
and follows the link to the wizard answer that explains it."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, enterprise_chain, run_axe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def activate_quality(page, chain):
    # No button for the legal representative: the address from a colleague or a bookmark.
    return page.goto(f"/enterprises/{chain.enterprise.number}/qualities/activate/")


def manage_roles(page, chain):
    # The menu offers role management to local managers only; anybody else reaches the page
    # from the wizard's answer or a bookmark, and is told who can.
    assert page.locator("nav.primary a[href='/roles/']").count() == 0
    return page.goto("/roles/")


def designate_co_rae(page, chain):
    return page.goto(f"/enterprises/{chain.enterprise.number}/co-raes/new/")


def designate_co_gl(page, chain):
    return page.goto(
        f"/enterprises/{chain.enterprise.number}/qualities/{chain.eq.pk}/co-local-managers/new/"
    )


@pytest.mark.parametrize(
    ("who", "attempt", "slug", "answer"),
    [
        ("lr", activate_quality, "lr-activate-quality", "activer une"),
        ("lr", manage_roles, "lr-manage-roles", "gérer les attributions de rôle"),
        ("co_rae", designate_co_rae, "rae-designate-co-rae", "désigner un co-Responsable"),
        ("co_gl", designate_co_gl, "gl-designate-co-gl", "désigner un co-Gestionnaire Local"),
    ],
    ids=["lr-activates-a-quality", "lr-manages-roles", "co-rae-designates", "co-gl-designates"],
)
def test_the_refusal_explains_who_can_and_links_to_the_wizard(page, who, attempt, slug, answer):
    chain = enterprise_chain(co_rae=True, co_gl=True)
    person = getattr(chain, who)
    sign_in(page, person.email, PASSWORD)
    page.locator("nav.primary a[href='/profile/']").wait_for()  # signed in

    response = attempt(page, chain)

    assert response.status == 403
    who_can = page.locator("main section[aria-labelledby=who-can]")
    expect(who_can.locator("h2")).to_be_visible()
    assert who_can.locator("p").inner_text().strip()  # the explanation of who can do it
    assert not run_axe(page)
    # The page's own help entry points to the same answer as the refusal's button.
    expect(page.locator("main a.help-entry")).to_have_attribute("href", f"/wizard/{slug}/")
    page.locator(f"main a.button[href='/wizard/{slug}/']").click()
    expect(page).to_have_url(f"/wizard/{slug}/")
    expect(page.locator("main")).to_contain_text(answer)
