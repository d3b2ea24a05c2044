"""The contact centre sees the registered enterprises the registry stopped (import_cbe)."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from enterprises import services
from portal.groups import CONTACT_CENTRE
from tests.browser.conftest import PASSWORD, enterprise_chain, run_axe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_sees_a_registered_enterprise_the_registry_stopped(page):
    chain = enterprise_chain()
    services.enterprise_stopped_by_registry(enterprise=chain.enterprise)
    agent = UserFactory(is_staff=True)
    agent.groups.add(Group.objects.get(name=CONTACT_CENTRE))

    sign_in(page, agent.email, PASSWORD)
    page.goto("/contact-centre/")

    listed = page.locator("main section[aria-labelledby=stopped-title]")
    expect(listed.locator("tbody tr")).to_have_count(1)
    expect(listed).to_contain_text(chain.enterprise.name)
    expect(listed).to_contain_text(chain.enterprise.number_display)
    assert not run_axe(page)
    page.locator("input[name=number]").fill(chain.enterprise.number_display)
    page.locator("textarea[name=reason]").fill("Appel du RAE au sujet de l'e-mail")
    page.locator("main form[method=post] button[type=submit]").click()
    expect(
        page.locator("main section[aria-labelledby=result-title] p[role=status]")
    ).to_be_visible()
    assert not run_axe(page)
