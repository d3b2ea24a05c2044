"""During a sign-in to an application, the portal's pages let forms end at that
application's registered origin (CSP `form-action`), and only then (relying/csp.py)."""

import re

import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.test import Client

from relying.tests.conftest import REDIRECT_URI
from tests.personas import signed_in

pytestmark = pytest.mark.django_db

APPLICATION_ORIGIN = "https://dimona.example.test"


def form_action(response) -> list[str]:
    policy = response.headers["Content-Security-Policy"]
    return re.search(r"form-action ([^;]*)", policy).group(1).split()


def authorize_params(registration, **changes):
    return {
        "response_type": "code",
        "client_id": registration.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid enterprise roles",
        "state": "state-1",
        "nonce": "nonce-1",
        "code_challenge": create_s256_code_challenge("v" * 50),
        "code_challenge_method": "S256",
        **changes,
    }


def test_the_sign_in_page_in_front_of_an_authorization_allows_the_application(registered):
    registration, _secret = registered
    client = Client()
    to_login = client.get("/identity/o/authorize", authorize_params(registration))
    assert to_login.status_code == 302
    login_page = client.get(to_login["Location"])
    assert login_page.status_code == 200
    assert form_action(login_page)[-1] == APPLICATION_ORIGIN


@pytest.mark.parametrize(
    "changes",
    [
        {"redirect_uri": "https://attacker.example.test/callback"},
        {"client_id": "not-a-client"},
        {"redirect_uri": ""},
    ],
    ids=["unregistered-redirect", "unknown-client", "no-redirect"],
)
def test_an_origin_the_request_names_on_its_own_is_never_added(registered, changes):
    registration, _secret = registered
    client = Client()
    client.get("/identity/o/authorize", authorize_params(registration, **changes))
    page = client.get("/accounts/login/")
    assert "attacker" not in " ".join(form_action(page))
    assert APPLICATION_ORIGIN not in form_action(page)


def test_the_capacity_screen_allows_the_application_until_it_redirects_there(
    registered, holder, gl, second_employer_eq
):
    from relying.tests.conftest import give

    give(gl, second_employer_eq, holder, "dimona-declaration")
    registration, _secret = registered
    client = signed_in(holder)
    screen = client.get("/identity/o/authorize", authorize_params(registration))
    assert screen.status_code == 200  # two capacities: the screen
    assert APPLICATION_ORIGIN in form_action(screen)
    cancel = client.post(
        "/identity/o/authorize",
        {
            "request": re.search(r'name="request" value="([^"]+)"', screen.text).group(1),
            "scopes": ["openid", "enterprise", "roles"],
            "action": "cancel",
        },
    )
    assert cancel.status_code == 302
    assert cancel["Location"].startswith(REDIRECT_URI)
    # Back at the application: the portal's next pages are as strict as before.
    assert APPLICATION_ORIGIN not in form_action(client.get("/profile/"))


def test_pages_outside_a_sign_in_keep_the_strict_policy_and_no_session(client):
    page = client.get("/accounts/login/")
    assert form_action(page) == ["'self'"]
    assert "sessionid" not in page.cookies


@pytest.fixture
def second_employer_eq(gl):
    from enterprises.tests.factories import EnterpriseFactory
    from tests.personas import activate, make_gl, register

    enterprise = EnterpriseFactory()
    _lr, rae = register(enterprise)
    eq = activate(enterprise, "employer", actor=rae)
    make_gl(eq, person=gl, by=rae)
    return eq
