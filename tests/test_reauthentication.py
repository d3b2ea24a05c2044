"""Reauthentication before the acts that hand out or take away access (accounts/mfa.py).

- A fresh sign-in (a real login POST) counts as a recent authentication: no second password
  prompt seconds after signing in.
- When the prompt is needed, a form's page asks for it before the form; back on the form, an
  error shows at the form's own URL with what was typed.
- When the time ran out while the form was open, the POST is kept and sent again at the
  form's own URL after the prompt (an error shows there with what was typed).
- Role management's acts (grant, revoke, links) follow the same rule as the designations.
"""

from urllib.parse import urlparse

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.conf import settings
from django.test import Client
from django.urls import reverse

from enterprises.models import Designation
from roles.models import RoleAttribution

from .personas import new_person
from .security_helpers import build_chain, snapshot

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"  # the factories' password
REAUTH = "/accounts/reauthenticate/"


def sign_in(user) -> Client:
    """Through allauth's login form, as a person does."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:1000]
    return client


def let_time_pass(client: Client) -> None:
    """The session's authentications become older than the reauthentication timeout."""
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] -= settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()


def reauthenticate(client: Client, prompt: str):
    assert urlparse(prompt).path == REAUTH
    return client.post(prompt, {"password": PASSWORD})


@pytest.fixture
def chain(db):
    return build_chain()


def _co_rae_url(chain) -> str:
    return reverse("enterprises:designate_co_rae", args=[chain.enterprise.number])


def test_a_fresh_sign_in_counts_as_a_recent_authentication(chain):
    client = sign_in(chain.rae)
    url = _co_rae_url(chain)
    assert client.get(url).status_code == 200  # the form, no password prompt
    before = Designation.objects.count()
    response = client.post(url, new_person(10))
    assert response.status_code == 302
    assert urlparse(response.headers["Location"]).path != REAUTH
    assert Designation.objects.count() == before + 1


def test_a_stale_sign_in_is_asked_before_the_form_then_an_error_stays_on_the_form(chain):
    client = sign_in(chain.rae)
    let_time_pass(client)
    url = _co_rae_url(chain)
    # The form's page asks first ...
    response = client.get(url)
    assert response.status_code == 302
    prompt = response.headers["Location"]
    # ... and brings the person back to the form.
    response = reauthenticate(client, prompt)
    assert response.status_code == 302 and response.headers["Location"] == url
    assert client.get(url).status_code == 200
    # An error now shows at the form's own URL, with what was typed.
    before = snapshot()
    response = client.post(url, {**new_person(11), "national_number": "12345"})
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == url
    assert response.context["form"].errors["national_number"]
    assert b'value="new11@example.test"' in response.content
    assert snapshot() == before


def test_when_the_time_runs_out_while_the_form_is_open_what_was_typed_is_kept(chain):
    client = sign_in(chain.rae)
    url = _co_rae_url(chain)
    assert client.get(url).status_code == 200
    let_time_pass(client)
    before = snapshot()
    response = client.post(url, {**new_person(12), "national_number": "12345"})
    assert response.status_code == 302
    response = reauthenticate(client, response.headers["Location"])
    assert response.headers["Location"] == url
    # Back at the form's URL, the POST is sent again: the error, with what was typed.
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"].errors["national_number"]
    assert b'value="new12@example.test"' in response.content
    assert snapshot() == before
    # The kept POST is used once: the next visit is the empty form.
    response = client.get(url)
    assert not response.context["form"].is_bound


def test_a_kept_valid_post_goes_through_after_the_prompt(chain):
    client = sign_in(chain.rae)
    url = _co_rae_url(chain)
    let_time_pass(client)
    before = Designation.objects.count()
    response = client.post(url, new_person(13))
    assert Designation.objects.count() == before
    reauthenticate(client, response.headers["Location"])
    response = client.get(url)
    assert response.status_code == 302
    assert Designation.objects.count() == before + 1


def test_a_kept_post_is_dropped_when_the_person_goes_elsewhere_first(chain):
    client = sign_in(chain.rae)
    url = _co_rae_url(chain)
    let_time_pass(client)
    response = client.post(url, new_person(14))
    reauthenticate(client, response.headers["Location"])
    client.get(reverse("roles:profile"))
    before = Designation.objects.count()
    response = client.get(url)
    assert response.status_code == 200 and not response.context["form"].is_bound
    assert Designation.objects.count() == before


def test_role_management_forms_ask_before_the_form(world):
    client = sign_in(world.chain.gl)
    let_time_pass(client)
    for name in ("roles:direct", "roles:invite", "roles:links", "roles:bulk_upload"):
        response = client.get(reverse(name, kwargs={"eq_id": world.eq.pk}))
        assert response.status_code == 302, name
        assert urlparse(response.headers["Location"]).path == REAUTH, name


def test_revoking_a_role_asks_and_then_revokes(world):
    client = sign_in(world.chain.gl)
    let_time_pass(client)
    url = reverse("roles:attribution", kwargs={"eq_id": world.eq.pk, "pk": world.attribution.pk})
    assert client.get(url).status_code == 200  # the attribution's page itself does not ask
    response = client.post(url, {"action": "revoke"})
    assert urlparse(response.headers["Location"]).path == REAUTH
    assert RoleAttribution.objects.get(pk=world.attribution.pk).status == "active"
    reauthenticate(client, response.headers["Location"])
    response = client.get(url)
    assert response.status_code == 302
    assert RoleAttribution.objects.get(pk=world.attribution.pk).status == "revoked"
