"""Journey: a mandate between two enterprises, from proposal to the relying application.

The provider's RAE proposes a mandate for the social-security declarations to a client; the
client's RAE validates it; the provider's local manager (of its social-secretariat quality)
invites an employee to the client's Dimona role; the employee accepts, signs in to the sample
application (sample_app/) and chooses "for the client, through the provider" on the capacity
screen; the client's RAE ends the mandate, and the application's next page view is refused.

The world is `load_demo`'s, as a newcomer gets it with `make run`.
"""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from enterprises.demo import SECOND_NAME
from enterprises.models import Enterprise, EnterpriseQuality
from mandates import demo as mandates_demo
from mandates import rules
from mandates.models import ClientMandate
from portal.management.commands.load_demo import DEMO_PASSWORD
from relying import demo, services
from relying.models import ApplicationClient
from relying.tests.sample_support import serving
from roles.models import Role, RoleAttribution
from tests.browser.conftest import (
    link_in_mail,
    reauthenticate_if_asked,
    run_axe,
    sign_in,
    sign_in_here,
)

pytestmark = pytest.mark.django_db(transaction=True)


def submit(page) -> None:
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()


def test_a_provider_acts_for_a_client_until_the_client_ends_the_mandate(
    page, open_page, live_server, settings, tmp_path
):
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
    call_command("load_demo", stdout=io.StringIO())
    provider = Enterprise.objects.get(number=mandates_demo.PROVIDER_NUMBER)
    client = Enterprise.objects.get(name=SECOND_NAME)
    secretariat = EnterpriseQuality.objects.get(
        enterprise=provider, quality__code="social-secretariat"
    )
    staff = User.objects.get(email=mandates_demo.PROVIDER_USER)
    dimona = Role.objects.get(code="dimona-declaration")
    start = rules.quarter_start(timezone.localdate())

    # --- The provider's RAE proposes the mandate (the client's number, the group, a start).
    sign_in(page, mandates_demo.PROVIDER_RAE, DEMO_PASSWORD)
    page.goto(f"/enterprises/{provider.number}/mandates/new/")
    assert not run_axe(page)
    page.locator(f"input[name=side][value={rules.Side.MANDATARY.value}]").check()
    page.locator("input[name=other]").fill(client.number)
    page.locator("select[name=group]").select_option(value=str(_declarations().pk))
    page.locator("input[name=start_date]").fill(start.isoformat())
    submit(page)
    reauthenticate_if_asked(page, DEMO_PASSWORD)
    mandate = ClientMandate.objects.get(
        mandator=client, mandatary=provider, state=rules.PROPOSED, group__quarterly=True
    )

    # --- The client's RAE validates it, from the e-mail's link.
    client_rae = open_page()
    sign_in(client_rae, mandates_demo.CLIENT_RAE, DEMO_PASSWORD)
    client_rae.goto(link_in_mail(mandates_demo.CLIENT_RAE, f"/mandates/{mandate.pk}/"))
    assert not run_axe(client_rae)
    client_rae.locator("form[action$='/validate/'] button[type=submit]").click()
    reauthenticate_if_asked(client_rae, DEMO_PASSWORD)
    client_rae.wait_for_load_state()
    mandate.refresh_from_db()
    assert mandate.state == rules.ACTIVE

    # --- The provider's local manager finds the client and invites an employee for Dimona.
    manager = open_page()
    sign_in(manager, mandates_demo.PROVIDER_GL, DEMO_PASSWORD)
    manager.goto(f"/roles/q/{secretariat.pk}/clients/?q={client.number}")
    assert not run_axe(manager)
    expect(manager.locator("main table")).to_contain_text(client.name)
    manager.locator(
        f"main a[href='/roles/q/{secretariat.pk}/clients/{mandate.pk}/invite/']"
    ).first.click()
    expect(manager.locator("main")).to_contain_text(provider.name)
    assert not run_axe(manager)
    manager.locator(f"input[name=roles][value='{dimona.pk}']").check()
    manager.locator("textarea[name=invitees]").fill(
        f"{staff.first_name}; {staff.last_name}; {staff.email}"
    )
    submit(manager)
    reauthenticate_if_asked(manager, DEMO_PASSWORD)

    # --- The employee accepts the invitation.
    employee = open_page()
    employee.goto(link_in_mail(staff.email, "/invitations/"))
    expect(employee.locator("main")).to_contain_text(client.name)
    employee.locator("main a[href*='/accounts/login/']").click()
    sign_in_here(employee, staff.email, DEMO_PASSWORD)
    employee.locator("main button[value=accept]").click()
    expect(employee).to_have_url("/profile/")
    held = RoleAttribution.objects.effective().get(person=staff, mandate=mandate, role=dimona)
    assert held.enterprise == client

    with serving(live_server.url, tmp_path) as sample_url:
        registration = ApplicationClient.objects.get(client_id=demo.CLIENT_ID)
        registration.client.set_redirect_uris([sample_url + "/callback"])
        registration.events_url = sample_url + "/events"
        services.client_change(actor=None, registration=registration)

        # --- At the application: the capacity "for the client, through the provider".
        employee.goto(sample_url)
        employee.get_by_role("link", name="Sign in with My eGov role management").click()
        employee.wait_for_url("**/identity/o/authorize**")
        key = f"{client.pk}-{secretariat.pk}-{mandate.pk}"
        option = employee.locator(f"#capacity-{key}")
        expect(option).to_be_visible()
        expect(employee.locator(f"label[for='capacity-{key}']")).to_contain_text(provider.name)
        assert not run_axe(employee)
        option.check()
        employee.locator("button[name=action][value=grant]").click()
        employee.wait_for_url(sample_url + "/")
        expect(employee.locator(".enterprise-name")).to_have_text(client.name)
        expect(employee.locator("main")).to_contain_text(provider.name)
        expect(employee.locator(".roles")).to_contain_text(dimona.code)

        # --- The client ends the mandate, at once.
        client_rae.goto(f"/enterprises/{client.number}/mandates/{mandate.pk}/")
        client_rae.locator("form[action$='/end/'] button[type=submit]").click()
        reauthenticate_if_asked(client_rae, DEMO_PASSWORD)
        client_rae.wait_for_load_state()
        mandate.refresh_from_db()
        assert mandate.state == rules.ENDED
        assert not RoleAttribution.objects.effective().filter(mandate=mandate).exists()

        # --- The application's next page view is refused.
        employee.goto(sample_url + "/")
        expect(employee.locator("h1")).to_have_text("Your access to Dimona has ended")
        assert not run_axe(employee)


def _declarations():
    from roles.models import ApplicationGroup

    return ApplicationGroup.objects.get(code="social-security-declarations")
