"""Every page a person uses fits a phone's width: nothing makes the page itself scroll sideways
(wide tables scroll inside their own box)."""

import pytest

from tests.browser.conftest import PASSWORD, enterprise_chain, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


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
        page.locator("nav.primary a[href='/profile/']").wait_for()
        for path in paths:
            page.goto(path)
            assert overflow(page) <= 0, f"{path} is {overflow(page)} px wider than the phone"
