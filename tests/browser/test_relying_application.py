"""Journey: the demo user signs in to the sample application (sample_app/, the demo's
"Dimona") through the portal, chooses an enterprise on the capacity screen and sees the
roles the application received; the local manager ends the role; the portal pushes the
signed event to the application, whose next page view is refused and shows it.

The world is `load_demo`'s, as a newcomer gets it with `make run`; the sample is served
over HTTP beside the live server, configured as `make sample` configures it.
"""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from enterprises.demo import DEMO_NAME, SECOND_NAME
from enterprises.models import EnterpriseQuality
from portal.management.commands.load_demo import DEMO_PASSWORD
from relying import demo, services
from relying.models import ApplicationClient
from relying.tests.sample_support import serving
from roles.models import RoleAttribution
from tests.browser.conftest import reauthenticate_if_asked, run_axe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_user_signs_in_to_the_sample_and_loses_access_when_the_role_ends(
    page, open_page, live_server, settings, tmp_path
):
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"  # the discovery's endpoints; plain HTTP here
    call_command("load_demo", stdout=io.StringIO())
    person = User.objects.get(email=demo.DEMO_USER)
    renard = EnterpriseQuality.objects.get(enterprise__name=DEMO_NAME, quality__code="employer")
    peeters = EnterpriseQuality.objects.get(enterprise__name=SECOND_NAME, quality__code="employer")
    held = RoleAttribution.objects.effective().get(
        person=person, enterprise_quality=renard, role__application__code="dimona"
    )

    with serving(live_server.url, tmp_path) as sample_url:
        # The sample listens on a free port here, not 8001: staff change the demo client's
        # addresses to it, as the sample's README says for another port.
        registration = ApplicationClient.objects.get(client_id=demo.CLIENT_ID)
        registration.client.set_redirect_uris([sample_url + "/callback"])
        registration.events_url = sample_url + "/events"
        services.client_change(actor=None, registration=registration)

        # --- The demo user, at the application.
        page.goto(sample_url)
        assert not run_axe(page)
        page.get_by_role("link", name="Sign in with My eGov role management").click()
        page.wait_for_url("**/accounts/login/**")
        page.locator("input[name=login]").fill(demo.DEMO_USER)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.locator("form button[type=submit]").last.click()

        # The capacity screen: both enterprises where Dimona's roles are held.
        page.wait_for_url("**/identity/o/authorize**")
        expect(page.locator(f"#capacity-{renard.enterprise_id}-{renard.pk}")).to_be_visible()
        expect(page.locator(f"#capacity-{peeters.enterprise_id}-{peeters.pk}")).to_be_visible()
        assert not run_axe(page)
        page.locator(f"#capacity-{renard.enterprise_id}-{renard.pk}").check()
        page.locator("button[name=action][value=grant]").click()

        # Back at the application, with that capacity and its roles.
        page.wait_for_url(sample_url + "/")
        expect(page.locator("h1")).to_have_text(f"Welcome, {person.get_full_name()}")
        expect(page.locator(".enterprise-name")).to_have_text(DEMO_NAME)
        expect(page.locator(".roles")).to_have_text(held.role.code)
        assert not run_axe(page)

        # --- The local manager ends the role, in the portal.
        manager = open_page()
        sign_in(manager, "gl@demo.egov.example", DEMO_PASSWORD)
        manager.goto(f"/roles/q/{renard.pk}/attributions/{held.pk}/?confirm=end")
        manager.locator("main form[method=post] button[type=submit]").click()
        reauthenticate_if_asked(manager, DEMO_PASSWORD)
        expect(manager.locator(f".badge.{RoleAttribution.Status.ENDED}")).to_be_visible()

        # --- The application's next page view: refused, and it says why.
        page.goto(sample_url + "/")
        expect(page.locator("h1")).to_have_text("Your access to Dimona has ended")
        assert not run_axe(page)
        # The portal's event arrived before that page view (pushed when the manager's change
        # was committed): the page names it, and the application's list of events shows it.
        expect(page.locator(".event-type")).to_have_text("session-revoked")
        expect(page.locator(".event-reason")).to_have_text(
            "The role was ended by a manager of the enterprise."
        )
        page.get_by_role("link", name="received events", exact=True).click()
        expect(page.locator("table.events tbody tr")).to_have_count(1)
        expect(page.locator("table.events")).to_contain_text("session-revoked")
        assert not run_axe(page)
        # Signed out locally: the next view offers to sign in again.
        page.goto(sample_url + "/")
        expect(
            page.get_by_role("link", name="Sign in with My eGov role management")
        ).to_be_visible()
