"""The trail of the applications' sign-ins, and their registration as clients: from the
command line (`manage.py application_client`, whose printed credentials sign in with
authlib's client) and in the admin (the secret shown once, stored hashed), each audited.

`test_flow_on_sqlite.py` runs this module again on SQLite when the suite runs on PostgreSQL.
"""

import json
from io import StringIO

import pytest
from allauth.idp.oidc.models import Client
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.tests.factories import UserFactory
from portal.models import Action, AuditEvent
from relying import services
from relying.models import ApplicationClient
from relying.tests.conftest import REDIRECT_URI, give
from relying.tests.rp import Application, query, visit, with_second_factor
from tests.personas import make_superuser, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portal_at_testserver")]

DMFA_CALLBACK = "https://dmfa.example.test/callback"


def sign_ins():
    return AuditEvent.objects.filter(action=Action.APPLICATION_SIGN_IN)


def register_from_the_command_line(*args) -> dict:
    out = StringIO()
    call_command("application_client", *args, stdout=out)
    return json.loads(out.getvalue())


# --- The sign-in in the trail ---------------------------------------------------------------------


def test_each_sign_in_writes_one_event_with_the_enterprise(rp, browser, holder, employer_eq):
    rp.sign_in(browser)
    [event] = sign_ins()
    assert event.actor == holder
    assert event.enterprise == employer_eq.enterprise
    assert event.details == {
        "application": "dimona",
        "quality": "employer",
        "citizen": False,
        "second_factor": False,
    }
    rp.sign_in(browser)
    assert sign_ins().count() == 2


def test_the_event_says_the_sign_in_used_a_second_factor(rp, holder, employer_eq):
    rp.sign_in(with_second_factor(signed_in(holder)))
    assert sign_ins().get().details["second_factor"] is True


def test_a_citizens_sign_in_is_in_the_trail_without_an_enterprise(dimona):
    registration, secret = services.client_register(
        actor=None, application=dimona, redirect_uris=[REDIRECT_URI], allow_citizens=True
    )
    person = UserFactory()
    Application(registration.client_id, secret).sign_in(signed_in(person))
    [event] = sign_ins()
    assert (event.actor, event.enterprise, event.details["citizen"]) == (person, None, True)


def test_no_event_when_nothing_was_signed_in_to(rp, employer_eq):
    response = visit(signed_in(UserFactory()), rp.authorization_url())
    assert response.status_code == 403
    assert not sign_ins().exists()


# --- The command line -------------------------------------------------------------------------


def test_the_command_prints_the_credentials_and_audits_the_registration(
    gl, employer_eq, holder, browser
):
    printed = register_from_the_command_line(
        "dmfa", "--redirect-uri", DMFA_CALLBACK, "--events-url", "https://dmfa.example.test/ev"
    )
    assert set(printed) == {"client_id", "client_secret"}
    registration = ApplicationClient.objects.get(application__code="dmfa")
    client = registration.client
    assert client.id == printed["client_id"]
    assert client.secret != printed["client_secret"]
    assert client.check_secret(printed["client_secret"])
    [event] = AuditEvent.objects.filter(action=Action.CLIENT_REGISTERED)
    assert event.details["client_id"] == printed["client_id"]
    assert event.details["redirect_uris"] == [DMFA_CALLBACK]
    assert printed["client_secret"] not in json.dumps(event.details)
    # The credentials work: an application signs in with them.
    give(gl, employer_eq, holder, "dmfa-declaration")
    rp = Application(printed["client_id"], printed["client_secret"], redirect_uri=DMFA_CALLBACK)
    assert rp.sign_in(browser)["userinfo"]["roles"] == ["dmfa-declaration"]


def test_the_command_registers_a_public_client_without_a_secret(gl, employer_eq, holder, browser):
    printed = register_from_the_command_line("dmfa", "--redirect-uri", DMFA_CALLBACK, "--public")
    assert set(printed) == {"client_id"}
    assert Client.objects.get(id=printed["client_id"]).type == Client.Type.PUBLIC
    assert AuditEvent.objects.filter(action=Action.CLIENT_REGISTERED).count() == 1
    give(gl, employer_eq, holder, "dmfa-declaration")
    rp = Application(printed["client_id"], None, redirect_uri=DMFA_CALLBACK)
    assert rp.sign_in(browser)["userinfo"]["roles"] == ["dmfa-declaration"]


@pytest.mark.parametrize(
    "args",
    [
        ["no-such-application", "--redirect-uri", DMFA_CALLBACK],
        ["dmfa", "--redirect-uri", "javascript:alert(1)"],
        ["dmfa", "--redirect-uri", "not an address"],
        ["dmfa", "--redirect-uri", DMFA_CALLBACK, "--events-url", "ftp://x.example.test"],
    ],
    ids=["unknown application", "javascript", "not an address", "events over ftp"],
)
def test_the_command_refuses_bad_input_and_writes_nothing(args):
    with pytest.raises(CommandError):
        register_from_the_command_line(*args)
    assert not Client.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.CLIENT_REGISTERED).exists()


def test_the_command_refuses_a_second_client_for_an_application():
    register_from_the_command_line("dmfa", "--redirect-uri", DMFA_CALLBACK)
    with pytest.raises(CommandError):
        register_from_the_command_line("dmfa", "--redirect-uri", DMFA_CALLBACK)
    assert Client.objects.count() == 1


# --- The admin --------------------------------------------------------------------------------


@pytest.fixture
def staff():
    return signed_in(make_superuser())


def admin_url(view, *args):
    return reverse(f"admin:relying_applicationclient_{view}", args=args)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def secret_in(text: str, client: Client) -> str | None:
    for word in text.split():
        if client.check_secret(word.rstrip(".,;:")):
            return word.rstrip(".,;:")
    return None


def test_the_admin_shows_the_secret_once_and_stores_it_hashed(staff, dimona):
    response = staff.post(
        admin_url("add"),
        {
            "application": dimona.pk,
            "redirect_uris": f"{REDIRECT_URI}\n https://dimona.example.test/other \n",
            "scopes": ["openid", "enterprise", "roles"],
            "_save": "Save",
        },
        follow=True,
    )
    assert response.status_code == 200
    registration = ApplicationClient.objects.get(application=dimona)
    client = registration.client
    assert client.get_redirect_uris() == [REDIRECT_URI, "https://dimona.example.test/other"]
    assert client.get_scopes() == ["openid", "enterprise", "roles"]
    [shown] = [m for m in messages_of(response) if client.id in m]
    secret = secret_in(shown, client)
    assert secret
    assert client.secret != secret
    assert secret not in client.secret
    # Never shown again.
    page = staff.get(admin_url("change", registration.pk))
    assert secret.encode() not in page.content
    assert not [m for m in messages_of(page) if secret in m]
    [event] = AuditEvent.objects.filter(action=Action.CLIENT_REGISTERED)
    assert event.actor.is_superuser
    assert secret not in json.dumps(event.details)


def test_the_admin_registers_a_public_client_without_a_secret(staff, dimona):
    response = staff.post(
        admin_url("add"),
        {"application": dimona.pk, "redirect_uris": REDIRECT_URI, "public": "on", "_save": "Save"},
        follow=True,
    )
    client = ApplicationClient.objects.get(application=dimona).client
    assert client.type == Client.Type.PUBLIC
    [shown] = [m for m in messages_of(response) if client.id in m]
    assert secret_in(shown, client) is None


def test_a_change_in_the_admin_is_audited_with_the_values_after_it(staff, registered):
    registration, _secret = registered
    response = staff.post(
        admin_url("change", registration.pk),
        {
            "redirect_uris": "https://dimona.example.test/new-callback",
            "scopes": ["openid", "roles"],
            "allow_citizens": "on",
            "events_url": "https://dimona.example.test/new-events",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    [event] = AuditEvent.objects.filter(action=Action.CLIENT_CHANGED)
    assert event.actor.is_superuser
    assert event.details["redirect_uris"] == ["https://dimona.example.test/new-callback"]
    assert event.details["allow_citizens"] is True
    # The national number is no longer released: the scope goes with it.
    assert event.details["allow_nrn"] is False
    assert event.details["scopes"] == ["openid", "roles"]
    assert event.details["events_url"] == "https://dimona.example.test/new-events"


def test_a_bad_address_in_the_admin_is_refused_on_the_form(staff, dimona):
    response = staff.post(
        admin_url("add"),
        {"application": dimona.pk, "redirect_uris": "javascript:alert(1)", "_save": "Save"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not ApplicationClient.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.CLIENT_REGISTERED).exists()


def test_the_changed_redirect_uri_is_the_only_one_accepted(staff, registered, browser):
    registration, secret = registered
    staff.post(
        admin_url("change", registration.pk),
        {
            "redirect_uris": "https://dimona.example.test/new-callback",
            "scopes": ["openid", "enterprise", "roles"],
            "_save": "Save",
        },
    )
    old = Application(registration.client_id, secret)
    assert visit(browser, old.authorization_url()).status_code == 400
    new = Application(
        registration.client_id, secret, redirect_uri="https://dimona.example.test/new-callback"
    )
    response = visit(browser, new.authorization_url())
    assert "code" in query(response["Location"])


def test_the_admin_never_deletes_a_client(staff, registered):
    registration, _secret = registered
    assert staff.post(admin_url("delete", registration.pk), {"post": "yes"}).status_code == 403
    assert ApplicationClient.objects.filter(pk=registration.pk).exists()
