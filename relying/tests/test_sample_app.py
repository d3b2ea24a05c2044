"""The sample relying application (sample_app/) against the portal served for real.

The sample runs in Flask's test client; every call it makes to the portal (discovery, JWKS,
token, introspection, revocation, the decision API) goes over HTTP to pytest-django's live
server, as it would in production. The person's browser on the portal is `PortalBrowser`,
carrying a Django session cookie.
"""

import base64
import io
import json
import sqlite3
import time

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone

from accounts.tests.factories import UserFactory
from enterprises.tests.factories import EnterpriseFactory
from relying import demo
from relying import services as relying_services
from relying.models import ApplicationClient, SecurityEvent
from relying.tests.conftest import give
from relying.tests.sample_support import (
    CLAIMS_CHANGE,
    SESSION_REVOKED,
    PortalBrowser,
    sample_app,
    serving,
    set_claims,
    sign_in,
    sign_set,
)
from roles import services as role_services
from roles.models import RoleAttribution
from tests.personas import activate, make_gl, register, run_on_commit, signed_in
from tests.reference_data import ensure_reference_data

pytestmark = pytest.mark.django_db(transaction=True)

ENDED = b"Your access to Dimona has ended"
SIGN_IN = b"Sign in with My eGov role management"


@pytest.fixture
def portal_url(live_server, settings):
    ensure_reference_data()
    # Tokens name the issuer from settings: the address the sample uses.
    settings.SITE_URL = live_server.url
    # allauth builds the discovery document's endpoints with this protocol (https unless
    # DEBUG); the live server speaks plain HTTP.
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
    return live_server.url


@pytest.fixture
def client_registered(dimona):
    """Dimona's client as `load_demo` registers it, without an events URL: here the events
    are posted to the sample by the tests themselves."""
    return demo.register_sample_client(dimona, events_url="")


@pytest.fixture
def sample(portal_url, client_registered, tmp_path):
    app = sample_app(portal_url, tmp_path)
    app.instance_dir = tmp_path
    return app


@pytest.fixture
def web(sample):
    return sample.test_client()


@pytest.fixture
def second_eq(gl):
    """A second enterprise of the holder's, with the same local manager."""
    enterprise = EnterpriseFactory(name="Zuivel Janssens")
    _lr, rae = register(enterprise)
    eq = activate(enterprise, "employer", actor=rae)
    make_gl(eq, person=gl, by=rae)
    return eq


def stored(sample, sql, *args):
    with sqlite3.connect(sample.instance_dir / "sample.sqlite3") as connection:
        return connection.execute(sql, args).fetchall()


def end(gl, attribution):
    run_on_commit(lambda: role_services.attribution_end(actor=gl, attribution=attribution))


# --- Signing in ---------------------------------------------------------------------------


def test_the_signed_out_home_offers_the_portal_sign_in(web):
    response = web.get("/")
    assert response.status_code == 200
    assert SIGN_IN in response.data


def test_sign_in_with_one_capacity_lands_with_it_and_its_roles(web, holder, employer_eq):
    landed = sign_in(web, PortalBrowser(signed_in(holder)))
    assert landed.status_code == 302
    page = web.get("/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert holder.get_full_name() in text
    assert employer_eq.enterprise.name in text
    assert employer_eq.enterprise.number in text
    assert '<span class="quality">employer</span>' in text
    assert "<code>dimona-declaration</code>" in text
    assert "dimona-consultation" not in text


def test_the_capacity_screen_choice_is_what_the_sample_shows(web, holder, gl, second_eq):
    give(gl, second_eq, holder, "dimona-consultation")
    sign_in(
        web, PortalBrowser(signed_in(holder)), choose=f"{second_eq.enterprise_id}-{second_eq.pk}"
    )
    text = web.get("/").get_data(as_text=True)
    assert second_eq.enterprise.name in text
    assert "<code>dimona-consultation</code>" in text
    assert "dimona-declaration" not in text  # held in the other enterprise only


def test_acting_for_a_client_through_a_provider_the_sample_says_both(web, dimona):
    from mandates import rules
    from roles.models import Role
    from tests.personas import build_chain, build_provider, mandate_between

    client, provider = build_chain(name="Client Bakery"), build_provider(name="Provider Sec")
    mandate = mandate_between(
        client,
        provider,
        group="social-security-declarations",
        start=rules.quarter_start(timezone.localdate()),
    )
    staff = provider.staff
    run_on_commit(
        lambda: role_services.attribution_grant_direct(
            actor=provider.sec_gl,
            enterprise_quality=provider.secretariat,
            roles=[Role.objects.get(code="dimona-declaration")],
            national_number=staff.national_number,
            first_name=staff.first_name,
            last_name=staff.last_name,
            email=staff.email,
            mandate=mandate,
        )
    )
    sign_in(web, PortalBrowser(signed_in(staff)))
    text = web.get("/").get_data(as_text=True)
    assert '<span class="enterprise-name">Client Bakery</span>' in text
    assert '<span class="provider-name">Provider Sec</span>' in text
    assert f'<span class="provider-number">{provider.enterprise.number}</span>' in text
    assert '<span class="quality">social-secretariat</span>' in text
    assert "<code>dimona-declaration</code>" in text


def test_the_enterprise_parameter_asks_for_one_enterprise_in_advance(web, holder, gl, second_eq):
    give(gl, second_eq, holder, "dimona-consultation")
    number = second_eq.enterprise.number
    dotted = f"{number[:4]}.{number[4:7]}.{number[7:]}"
    # No capacity screen: the portal offers only the enterprise asked for.
    sign_in(web, PortalBrowser(signed_in(holder)), query=f"?enterprise={dotted}")
    assert second_eq.enterprise.name in web.get("/").get_data(as_text=True)


def test_a_person_without_a_role_of_the_application_comes_back_refused(web, dimona):
    stranger = UserFactory()
    started = web.get("/login")
    answer = PortalBrowser(signed_in(stranger)).get(started.headers["Location"])
    # The portal's page says who can give the role and links back with access_denied.
    assert answer.status_code == 403
    back = web.get("/callback?error=access_denied&state=whatever")
    assert back.status_code == 403
    assert "you hold no role of Dimona" in " ".join(back.get_data(as_text=True).split())


def test_a_callback_with_another_state_is_refused(web, holder):
    web.get("/login")
    response = web.get("/callback?code=forged&state=not-the-one-sent")
    assert response.status_code == 400
    assert b"does not match" in response.data
    assert SIGN_IN in web.get("/").data


# --- The next call: introspection and refresh ----------------------------------------------


def test_the_page_after_the_role_ends_says_the_access_ended(web, holder, gl):
    sign_in(web, PortalBrowser(signed_in(holder)))
    assert web.get("/").status_code == 200
    end(gl, RoleAttribution.objects.get(person=holder))
    refused = web.get("/")
    assert refused.status_code == 403
    assert ENDED in refused.data
    assert b"token introspection" in refused.data
    # Signed out locally: the next view is the signed-out home, not the ended page again.
    assert SIGN_IN in web.get("/").data


def test_the_decision_page_is_refused_too_once_the_role_ended(web, holder, gl):
    sign_in(web, PortalBrowser(signed_in(holder)))
    end(gl, RoleAttribution.objects.get(person=holder))
    refused = web.get("/decisions")
    assert refused.status_code == 403
    assert ENDED in refused.data


def test_an_expired_access_token_is_renewed_with_the_refresh_token(sample, web, holder, gl):
    sign_in(web, PortalBrowser(signed_in(holder)))
    [(before,)] = stored(sample, "SELECT access_token FROM sign_ins")
    stored(sample, "UPDATE sign_ins SET expires_at = ?", time.time() - 1)
    assert web.get("/").status_code == 200
    [(after, expires_at)] = stored(sample, "SELECT access_token, expires_at FROM sign_ins")
    assert after != before
    assert expires_at > time.time() + 60
    # Once the role has ended, the portal refuses the renewal.
    end(gl, RoleAttribution.objects.get(person=holder))
    stored(sample, "UPDATE sign_ins SET expires_at = ?", time.time() - 1)
    refused = web.get("/")
    assert refused.status_code == 403
    assert b"refused to renew" in refused.data


def test_sign_out_forgets_the_session_and_revokes_the_refresh_token(sample, web, holder):
    sign_in(web, PortalBrowser(signed_in(holder)))
    [(refresh_token,)] = stored(sample, "SELECT refresh_token FROM sign_ins")
    page = web.get("/").get_data(as_text=True)
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    assert web.post("/logout", data={"csrf": "forged"}).status_code == 400
    assert web.post("/logout", data={"csrf": csrf}).status_code == 302
    assert stored(sample, "SELECT id FROM sign_ins") == []
    from allauth.idp.oidc.models import Token

    assert Token.objects.lookup(Token.Type.REFRESH_TOKEN, refresh_token) is None


# --- The decision API ----------------------------------------------------------------------


def test_check_a_decision_asks_the_decision_api_for_each_role(web, holder):
    sign_in(web, PortalBrowser(signed_in(holder)))
    page = web.get("/decisions")
    assert page.status_code == 200
    rows = page.get_data(as_text=True).split("<tbody>")[1].split("<tr>")[1:]
    answers = {row.split("<code>")[1].split("</code>")[0]: row for row in rows}
    assert set(answers) == {"dimona-declaration", "dimona-consultation"}
    assert 'class="allowed">Allowed' in answers["dimona-declaration"]
    assert 'class="denied">Denied' in answers["dimona-consultation"]
    assert "<code>no_role</code>" in answers["dimona-consultation"]


# --- The events receiver -------------------------------------------------------------------


def post_set(web, token, content_type="application/secevent+jwt"):
    return web.post("/events", data=token, content_type=content_type)


def sub_of(person):
    from allauth.idp.oidc.adapter import get_adapter

    client = ApplicationClient.objects.get(client_id=demo.CLIENT_ID).client
    return get_adapter().get_user_sub(client, person)


def test_a_signed_event_is_accepted_shown_and_ends_the_session(web, holder, employer_eq):
    sign_in(web, PortalBrowser(signed_in(holder)))
    claims = set_claims(sub_of(holder), employer_eq.enterprise.number)
    response = post_set(web, sign_set(claims))
    assert response.status_code == 202
    assert response.data == b""
    listed = web.get("/events").get_data(as_text=True)
    assert claims["jti"] in listed
    assert "session-revoked" in listed
    assert "The local manager ended the role." in listed
    # The introspection would still say active (the role was not ended): the event decides.
    refused = web.get("/")
    assert refused.status_code == 403
    assert ENDED in refused.data
    assert b"session-revoked" in refused.data
    assert claims["jti"].encode() in refused.data


def test_a_repeated_event_is_kept_once_and_changes_nothing(sample, web, holder, employer_eq):
    claims = set_claims(sub_of(holder), employer_eq.enterprise.number)
    token = sign_set(claims)
    assert post_set(web, token).status_code == 202
    # Signed in after the event: the portal retrying it must not end this new session.
    sign_in(web, PortalBrowser(signed_in(holder)))
    assert post_set(web, token).status_code == 202
    assert stored(sample, "SELECT count(*) FROM events WHERE jti = ?", claims["jti"]) == [(1,)]
    assert web.get("/").status_code == 200


def test_an_event_for_another_enterprise_leaves_the_session(web, holder):
    sign_in(web, PortalBrowser(signed_in(holder)))
    assert post_set(web, sign_set(set_claims(sub_of(holder), "0403170701"))).status_code == 202
    assert web.get("/").status_code == 200


def test_a_claims_change_keeps_the_session(web, holder, employer_eq):
    sign_in(web, PortalBrowser(signed_in(holder)))
    claims = set_claims(
        sub_of(holder),
        employer_eq.enterprise.number,
        event=CLAIMS_CHANGE,
        roles=["dimona-declaration"],
    )
    assert post_set(web, sign_set(claims)).status_code == 202
    assert web.get("/").status_code == 200
    assert "token-claims-change" in web.get("/events").get_data(as_text=True)


def _tamper_payload(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub_id"]["user"]["id"] = "1"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def _tamper_signature(token: str) -> str:
    head, _, signature = token.rpartition(".")
    return f"{head}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.mark.parametrize(
    ("make", "err"),
    [
        (lambda c: _tamper_payload(sign_set(c)), "invalid_key"),
        (lambda c: _tamper_signature(sign_set(c)), "invalid_key"),
        (lambda c: sign_set(c, key=OTHER_KEY), "invalid_key"),
        (lambda c: sign_set(c, key=OTHER_KEY, kid="unknown-kid"), "invalid_key"),
        (lambda c: sign_set({**c, "aud": "another-application"}), "invalid_audience"),
        (lambda c: sign_set({**c, "iss": "https://elsewhere.example"}), "invalid_issuer"),
        (lambda c: sign_set(c, headers={"typ": "JWT"}), "invalid_request"),
        (lambda c: sign_set({**c, "events": {}}), "invalid_request"),
        (lambda c: sign_set({k: v for k, v in c.items() if k != "jti"}), "invalid_request"),
        (lambda c: sign_set({**c, "sub_id": "42"}), "invalid_request"),
        (lambda c: "not a token", "invalid_request"),
        (lambda c: "e30.e30.", "invalid_request"),
    ],
    ids=[
        "tampered-payload",
        "tampered-signature",
        "other-key",
        "unknown-kid",
        "other-audience",
        "other-issuer",
        "not-a-set",
        "no-event",
        "no-jti",
        "no-subject",
        "garbage",
        "unsigned",
    ],
)
def test_a_bad_event_is_refused_with_its_reason_and_kept_nowhere(
    sample, web, holder, employer_eq, make, err
):
    claims = set_claims(sub_of(holder), employer_eq.enterprise.number)
    response = post_set(web, make(claims))
    assert response.status_code == 400
    assert response.json["err"] == err
    assert response.json["description"]
    assert stored(sample, "SELECT count(*) FROM events") == [(0,)]


def test_a_forged_event_leaves_the_session(web, holder, employer_eq):
    sign_in(web, PortalBrowser(signed_in(holder)))
    claims = set_claims(sub_of(holder), employer_eq.enterprise.number)
    assert post_set(web, sign_set(claims, key=OTHER_KEY)).status_code == 400
    assert web.get("/").status_code == 200


def test_an_event_with_another_media_type_is_refused(web, holder, employer_eq):
    token = sign_set(set_claims(sub_of(holder), employer_eq.enterprise.number))
    response = post_set(web, token, content_type="application/jwt")
    assert response.status_code == 400
    assert response.json["err"] == "invalid_request"


def test_the_portal_s_own_event_reaches_the_sample_and_ends_the_session(
    sample, web, holder, gl, client_registered
):
    """The real thing: the portal signs the event and pushes it to the sample served over
    HTTP (sharing this sample's instance folder), when the manager ends the role."""
    sign_in(web, PortalBrowser(signed_in(holder)))
    with serving(sample.config["PORTAL_URL"], sample.instance_dir) as sample_url:
        client_registered.events_url = sample_url + "/events"
        relying_services.client_change(actor=None, registration=client_registered)
        end(gl, RoleAttribution.objects.get(person=holder))
    event = SecurityEvent.objects.get()
    assert event.status == SecurityEvent.Status.DELIVERED
    assert stored(sample, "SELECT jti, event_type FROM events") == [(event.jti, SESSION_REVOKED)]
    refused = web.get("/")
    assert refused.status_code == 403
    assert b"session-revoked" in refused.data
    assert b"The role was ended by a manager of the enterprise." in refused.data


# --- load_demo's registration -------------------------------------------------------------


def test_load_demo_registers_the_sample_once_with_the_same_id_and_secret(dimona):
    for _ in range(2):
        demo.load(password="", stdout=io.StringIO())
    registration = ApplicationClient.objects.get()
    assert registration.client_id == demo.CLIENT_ID
    assert registration.client.check_secret(demo.CLIENT_SECRET)
    assert registration.client.secret != demo.CLIENT_SECRET  # stored hashed
    assert registration.events_url == demo.SAMPLE_URL + "/events"
    assert registration.client.get_redirect_uris() == [demo.SAMPLE_URL + "/callback"]


def test_the_demo_secret_is_for_the_demo_only_the_normal_path_stays_random(dimona):
    registration, secret = relying_services.client_register(
        actor=None, application=dimona, redirect_uris=["https://dimona.example.test/cb"]
    )
    assert registration.client_id != demo.CLIENT_ID
    assert secret != demo.CLIENT_SECRET
    assert len(secret) >= 40


def test_two_page_views_renewing_at_once_keep_the_session(sample, web, holder):
    from sample_app.app import _renew, db

    sign_in(web, PortalBrowser(signed_in(holder)))
    with sample.test_request_context():
        before = db().execute("SELECT * FROM sign_ins").fetchone()
        faster = _renew(before)
        assert faster["refresh_token"] != before["refresh_token"]
        # The slower view still holds the used refresh token: the portal refuses it, and
        # the view takes the tokens the faster one kept.
        slower = _renew(before)
        assert slower is not None
        assert slower["access_token"] == faster["access_token"]
    assert web.get("/").status_code == 200
