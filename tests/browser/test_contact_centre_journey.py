"""Journey 4: a contact-centre agent looks up who the RAE and the local managers are."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from portal.groups import CONTACT_CENTRE
from portal.models import AuditEvent
from tests.browser.conftest import PASSWORD, enterprise_chain, run_axe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_looks_up_the_rae_and_the_local_managers_with_a_reason(page):
    chain = enterprise_chain(co_rae=True, co_gl=True)
    agent = UserFactory(first_name="Agathe", last_name="Centre", is_staff=True)
    agent.groups.add(Group.objects.get(name=CONTACT_CENTRE))

    sign_in(page, agent.email, PASSWORD)
    page.locator("nav.primary a[href='/contact-centre/']").click()
    expect(page).to_have_url("/contact-centre/")
    assert not run_axe(page)

    # Without a reason the look-up is refused, and nothing is recorded.
    page.locator("input[name=number]").fill(chain.enterprise.number_display)
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("main .errorlist")).to_be_visible()
    expect(page.locator("main section[aria-labelledby=result-title]")).to_have_count(0)
    assert not AuditEvent.objects.filter(action="contact_centre.lookup").exists()

    # With the caller's reason: the RAE, the co-RAE and the local managers per quality.
    page.locator("textarea[name=reason]").fill("Appel de la représentante légale, ticket 4711")
    page.locator("main form[method=post] button[type=submit]").click()
    result = page.locator("main section[aria-labelledby=result-title]")
    expect(result.locator("h2")).to_contain_text(chain.enterprise.name)
    for person in (chain.rae, chain.co_rae, chain.gl, chain.co_gl):
        expect(result).to_contain_text(f"{person.first_name} {person.last_name}")
    expect(result).to_contain_text(chain.rae.email)
    assert not run_axe(page)

    event = AuditEvent.objects.get(action="contact_centre.lookup")
    assert event.actor == agent
    assert event.enterprise == chain.enterprise
    assert event.details["reason"] == "Appel de la représentante légale, ticket 4711"


def test_a_person_outside_the_contact_centre_is_told_who_can(page):
    chain = enterprise_chain()
    sign_in(page, chain.lr.email, PASSWORD)
    page.locator("nav.primary a[href='/profile/']").wait_for()  # signed in
    # No menu entry for them; the address typed by hand gets the explanation.
    expect(page.locator("nav.primary a[href='/contact-centre/']")).to_have_count(0)
    response = page.goto("/contact-centre/")
    assert response.status == 403
    expect(page.locator("main section[aria-labelledby=who-can]")).to_be_visible()
    page.locator("main a.button[href='/wizard/lr-who-is/']").click()
    expect(page).to_have_url("/wizard/lr-who-is/")
