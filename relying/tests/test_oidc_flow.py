"""Signing in to an application, driven end to end by an independent client: authlib's, as
an application team would use it (relying/tests/rp.py), and joserfc for the ID token's
signature. Discovery and keys, the code flow with PKCE for a confidential and a public
client, every way a request or a token is refused, `acr`, and the silent sign-in.

`test_flow_on_sqlite.py` runs this module again on SQLite when the suite runs on PostgreSQL.
"""

from datetime import timedelta
from unittest import mock

import pytest
from allauth.idp.oidc.models import Token
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.oauth2.rfc6749.errors import MismatchingStateException
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import BadSignatureError, InvalidClaimError
from joserfc.jwk import KeySet
from joserfc.util import int_to_base64

from relying import services
from relying.tests.conftest import REDIRECT_URI, give
from relying.tests.rp import (
    BASE,
    DISCOVERY_URL,
    Application,
    one_byte_changed,
    query,
    visit,
    with_second_factor,
)
from roles.models import Application as CatalogueApplication
from tests.personas import signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portal_at_testserver")]

# The eIDAS levels of assurance, as the federal service names them.
LOW = "http://eidas.europa.eu/LoA/low"
SUBSTANTIAL = "http://eidas.europa.eu/LoA/substantial"
DMFA_CALLBACK = "https://dmfa.example.test/callback"


def codes():
    return Token.objects.filter(type=Token.Type.AUTHORIZATION_CODE)


def refused(call) -> OAuthError:
    """The OAuth error a call of authlib's raised (it raises on any error response)."""
    with pytest.raises(OAuthError) as error:
        call()
    return error.value


@pytest.fixture
def public_rp(gl, employer_eq, holder):
    """DmfA's browser application: a public client (no secret), the holder given a role."""
    dmfa = CatalogueApplication.objects.get(code="dmfa")
    registration, secret = services.client_register(
        actor=None, application=dmfa, redirect_uris=[DMFA_CALLBACK], public=True
    )
    assert secret is None
    give(gl, employer_eq, holder, "dmfa-declaration")
    return Application(registration.client_id, None, redirect_uri=DMFA_CALLBACK)


# --- Discovery and keys ---------------------------------------------------------------------


def test_discovery_names_the_issuer_and_the_endpoints(rp):
    meta = rp.metadata
    # The document is at the issuer's own address, and the issuer is the portal's.
    assert meta["issuer"] == BASE == settings.SITE_URL
    assert meta["issuer"] + "/.well-known/openid-configuration" == DISCOVERY_URL
    assert {name: meta[name] for name in meta if name.endswith(("_endpoint", "_uri"))} == {
        "authorization_endpoint": f"{BASE}/identity/o/authorize",
        "token_endpoint": f"{BASE}/identity/o/api/token",
        "userinfo_endpoint": f"{BASE}/identity/o/api/userinfo",
        "introspection_endpoint": f"{BASE}/identity/o/api/introspect",
        "revocation_endpoint": f"{BASE}/identity/o/api/revoke",
        "end_session_endpoint": f"{BASE}/identity/o/logout",
        "jwks_uri": f"{BASE}/.well-known/jwks.json",
    }


def test_discovery_names_the_scopes_claims_and_levels_of_the_federal_service(rp):
    meta = rp.metadata
    assert {"openid", "profile", "email", "enterprise", "roles", "egovnrn"} <= set(
        meta["scopes_supported"]
    )
    assert {"sub", "enterprise", "roles", "egovnrn", "acr", "amr"} <= set(meta["claims_supported"])
    assert meta["acr_values_supported"] == [LOW, SUBSTANTIAL]
    # Only the code flow, with S256 for PKCE, and ID tokens signed RS256.
    assert meta["response_types_supported"] == ["code"]
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "client_secret_basic" in meta["introspection_endpoint_auth_methods_supported"]
    assert "device_authorization_endpoint" not in meta


def test_the_jwks_publishes_the_signing_key_and_nothing_private(rp):
    [key] = rp.app.fetch_jwk_set()["keys"]
    assert key["kty"] == "RSA"
    assert key["kid"]
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)
    private = load_pem_private_key(settings.IDP_OIDC_PRIVATE_KEY.encode(), password=None)
    assert key["n"] == int_to_base64(private.public_key().public_numbers().n)


def test_the_id_token_verifies_with_the_jwks(rp, browser, holder):
    token = rp.sign_in(browser)
    keys = KeySet.import_key_set(rp.app.fetch_jwk_set())
    decoded = jwt.decode(token["id_token"], keys)
    assert decoded.header["alg"] == "RS256"
    assert decoded.header["kid"] == keys.keys[0].kid
    claims = decoded.claims
    assert claims["iss"] == BASE
    assert claims["aud"] == rp.client_id
    assert claims["nonce"] == rp.sent["nonce"]
    assert claims["exp"] - claims["iat"] == settings.IDP_OIDC_ID_TOKEN_EXPIRES_IN
    # authlib checked the same (its "userinfo" is the checked claims).
    assert token["userinfo"]["sub"] == claims["sub"]


@pytest.mark.parametrize("segment", [1, 2], ids=["payload", "signature"])
def test_an_id_token_with_one_byte_changed_fails_verification(rp, browser, segment):
    token = rp.sign_in(browser)
    tampered = one_byte_changed(token["id_token"], segment)
    assert tampered != token["id_token"]
    keys = KeySet.import_key_set(rp.app.fetch_jwk_set())
    with pytest.raises(BadSignatureError):
        jwt.decode(tampered, keys)
    with pytest.raises(BadSignatureError):
        rp.app.parse_id_token({**token, "id_token": tampered}, nonce=rp.sent["nonce"])


def test_an_access_token_with_one_byte_changed_is_refused(rp, browser):
    token = rp.sign_in(browser)
    tampered = one_byte_changed(token["access_token"])
    response = rp.userinfo(tampered)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert rp.introspect(tampered) == {"active": False}
    # The token as issued still works: it is the change that was refused.
    assert rp.userinfo(token["access_token"]).status_code == 200
    assert rp.introspect(token["access_token"])["active"] is True


@pytest.mark.parametrize("presented", ["GET, header", "POST, header", "POST, form field"])
def test_userinfo_refuses_the_applications_own_token(rp, presented):
    """A client-credentials token is the application's, for no person: userinfo has no
    End-User to answer for (was a 500). Refused as a token it does not accept."""
    token = rp.back_channel().fetch_token(
        rp.endpoint("token_endpoint"), grant_type="client_credentials"
    )["access_token"]
    url, session = rp.endpoint("userinfo_endpoint"), rp.back_channel()
    if presented == "GET, header":
        response = rp.userinfo(token)
    elif presented == "POST, header":
        headers = {"Authorization": f"Bearer {token}"}
        response = session.post(url, headers=headers, withhold_token=True)
    else:
        response = session.post(url, data={"access_token": token}, withhold_token=True)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert response.json() == {
        "error": "invalid_token",
        "error_description": "This access token is an application's, for no person.",
    }
    # Still good for what it is for: the application's own calls.
    assert rp.introspect(token)["active"] is True


# --- The code flow with PKCE ------------------------------------------------------------------


def test_a_confidential_client_signs_in_with_code_and_pkce(rp, browser, holder, employer_eq):
    url = rp.authorization_url()
    sent = query(url)
    assert sent["code_challenge_method"] == "S256"
    assert sent["response_type"] == "code"
    response = visit(browser, url)
    assert response.status_code == 302
    assert response["Location"].startswith(REDIRECT_URI + "?")
    back = query(response["Location"])
    assert back["state"] == sent["state"]
    token = rp.callback(response["Location"])
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == settings.IDP_OIDC_ACCESS_TOKEN_EXPIRES_IN
    assert token["refresh_token"]
    assert token["scope"].split() == ["openid", "enterprise", "roles"]
    claims = token["userinfo"]
    assert claims["enterprise"] == {
        "number": employer_eq.enterprise.number,
        "name": employer_eq.enterprise.name,
        "quality": "employer",
    }
    assert claims["roles"] == ["dimona-declaration"]
    # The code was for one use; it is spent.
    assert codes().get().data["claimed"] is True


@pytest.mark.parametrize(
    ("verifier", "error"),
    [("another-verifier-" + "x" * 40, "invalid_grant"), (None, "invalid_request")],
    ids=["wrong", "missing"],
)
def test_the_code_is_exchanged_only_with_its_verifier(rp, browser, verifier, error):
    location = visit(browser, rp.authorization_url())["Location"]
    # An empty verifier is left out of the request by authlib.
    code = query(location)["code"]
    assert refused(lambda: rp.exchange(code, code_verifier=verifier or "")).error == error
    assert not Token.objects.exclude(type=Token.Type.AUTHORIZATION_CODE).exists()


def test_a_public_client_signs_in_with_pkce_and_no_secret(public_rp, browser):
    assert public_rp.secret is None
    token = public_rp.sign_in(browser)
    assert token["userinfo"]["roles"] == ["dmfa-declaration"]
    assert public_rp.userinfo(token["access_token"]).json()["roles"] == ["dmfa-declaration"]


def test_a_public_client_without_pkce_is_refused(public_rp, browser):
    without = Application(public_rp.client_id, None, redirect_uri=DMFA_CALLBACK, pkce=False)
    url = without.authorization_url()
    assert "code_challenge" not in query(url)
    response = visit(browser, url)
    assert response.status_code == 302
    back = query(response["Location"])
    assert back["error"] == "invalid_request"
    assert back["state"] == without.sent["state"]
    assert not codes().exists()


def test_a_public_client_cannot_authenticate_as_a_confidential_one(public_rp, browser):
    location = visit(browser, public_rp.authorization_url())["Location"]
    impostor = Application(public_rp.client_id, "a-guessed-secret", redirect_uri=DMFA_CALLBACK)
    impostor.sent = public_rp.sent
    assert refused(lambda: impostor.exchange(query(location)["code"])).error == "invalid_client"


def test_the_plain_pkce_method_is_refused(rp, browser):
    url = rp.authorization_url().replace("challenge_method=S256", "challenge_method=plain")
    back = query(visit(browser, url)["Location"])
    assert back["error"] == "invalid_request"
    assert not codes().exists()


# --- Refused requests -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example.test/callback",
        REDIRECT_URI + "/elsewhere",
        REDIRECT_URI.replace("https://", "http://"),
        REDIRECT_URI + "?next=https://evil.example.test",
    ],
)
def test_an_unregistered_redirect_uri_is_refused_on_the_portals_page(
    registered, browser, redirect_uri
):
    registration, secret = registered
    rp = Application(registration.client_id, secret, redirect_uri=redirect_uri)
    response = visit(browser, rp.authorization_url())
    assert response.status_code == 400
    assert "Location" not in response
    assert b"Mismatching redirect URI" in response.content
    assert redirect_uri.encode() not in response.content
    assert not codes().exists()


def test_an_unknown_client_is_refused_on_the_portals_page(browser):
    rp = Application("no-such-client", "secret")
    response = visit(browser, rp.authorization_url())
    assert response.status_code == 400
    assert "Location" not in response
    assert not codes().exists()


def test_the_code_is_exchanged_only_with_its_redirect_uri(rp, browser):
    location = visit(browser, rp.authorization_url())["Location"]
    other = REDIRECT_URI + "/elsewhere"
    error = refused(lambda: rp.exchange(query(location)["code"], redirect_uri=other))
    # oauthlib's code for it (RFC 6749 would also allow invalid_grant).
    assert (error.error, error.description) == ("invalid_request", "Mismatching redirect URI.")
    assert not Token.objects.exclude(type=Token.Type.AUTHORIZATION_CODE).exists()


def test_a_code_used_twice_is_refused_and_the_first_tokens_revoked(
    rp, browser, django_capture_on_commit_callbacks
):
    location = visit(browser, rp.authorization_url())["Location"]
    code = query(location)["code"]
    first = rp.exchange(code)
    assert rp.introspect(first["access_token"])["active"] is True
    # As RFC 6749 §10.5 asks (and allauth does once the second attempt commits).
    with django_capture_on_commit_callbacks(execute=True):
        assert refused(lambda: rp.exchange(code)).error == "invalid_grant"
    assert rp.introspect(first["access_token"]) == {"active": False}
    assert rp.userinfo(first["access_token"]).status_code == 401
    assert refused(lambda: rp.refresh(first["refresh_token"])).error == "invalid_grant"


@pytest.mark.parametrize(
    ("later", "accepted"),
    [
        (settings.IDP_OIDC_AUTHORIZATION_CODE_EXPIRES_IN - 5, True),
        (settings.IDP_OIDC_AUTHORIZATION_CODE_EXPIRES_IN + 1, False),
    ],
    ids=["in-time", "expired"],
)
def test_a_code_expires(rp, browser, later, accepted):
    location = visit(browser, rp.authorization_url())["Location"]
    code = query(location)["code"]
    then = timezone.now() + timedelta(seconds=later)
    with mock.patch("django.utils.timezone.now", return_value=then):
        if accepted:
            assert rp.exchange(code)["access_token"]
        else:
            assert refused(lambda: rp.exchange(code)).error == "invalid_grant"
            assert not Token.objects.filter(type=Token.Type.ACCESS_TOKEN).exists()


def test_a_callback_with_another_state_is_refused_by_the_application(rp, browser):
    location = visit(browser, rp.authorization_url())["Location"]
    forged = location.replace(f"state={rp.sent['state']}", "state=forged-by-somebody-else")
    assert forged != location
    # authlib's Django client finds no sign-in of its own for that state.
    with pytest.raises(MismatchingStateError):
        rp.callback(forged)
    # Its lower-level client, given the state it sent, refuses the same.
    with pytest.raises(MismatchingStateException):
        rp.back_channel().fetch_token(
            rp.endpoint("token_endpoint"), authorization_response=forged, state=rp.sent["state"]
        )
    # The code was never exchanged.
    assert codes().get().data["claimed"] is False


def test_an_id_token_for_another_nonce_is_refused_by_the_application(rp, browser):
    location = visit(browser, rp.authorization_url())["Location"]
    # The application expected another nonce than the one the portal was sent (a code
    # injected from another sign-in would bring its own).
    rp.session[f"_state_portal_{rp.sent['state']}"]["data"]["nonce"] = "expected-another-nonce"
    with pytest.raises(InvalidClaimError, match="nonce"):
        rp.callback(location)


def test_the_id_token_carries_the_nonce_sent_and_joserfc_checks_it(rp, browser):
    token = rp.sign_in(browser)
    claims = jwt.decode(token["id_token"], KeySet.import_key_set(rp.app.fetch_jwk_set())).claims
    jwt.JWTClaimsRegistry(nonce={"essential": True, "value": rp.sent["nonce"]}).validate(claims)
    with pytest.raises(InvalidClaimError, match="nonce"):
        jwt.JWTClaimsRegistry(nonce={"essential": True, "value": "another"}).validate(claims)


# --- acr ----------------------------------------------------------------------------------


def test_acr_is_low_after_a_password_only(rp, browser):
    token = rp.sign_in(browser)
    assert token["userinfo"]["acr"] == LOW
    assert token["userinfo"]["amr"] == ["pwd"]
    assert rp.introspect(token["access_token"])["acr"] == LOW


def test_acr_is_substantial_after_a_second_factor(rp, holder):
    token = rp.sign_in(with_second_factor(signed_in(holder)))
    assert token["userinfo"]["acr"] == SUBSTANTIAL
    assert token["userinfo"]["amr"] == ["pwd", "mfa"]
    assert rp.introspect(token["access_token"])["acr"] == SUBSTANTIAL
    assert rp.userinfo(token["access_token"]).json()["acr"] == SUBSTANTIAL


# --- The silent sign-in (prompt=none) ----------------------------------------------------------


def test_a_silent_sign_in_with_one_capacity_gets_its_code_without_a_page(rp, browser):
    rp.sign_in(browser)
    token = rp.sign_in(browser, prompt="none")
    assert token["userinfo"]["roles"] == ["dimona-declaration"]


def test_a_first_silent_sign_in_answers_consent_required(rp, browser):
    # allauth's rule, kept: a silent sign-in is for a person already signed in to this
    # application (with live tokens); the first one goes through the portal's pages.
    back = query(visit(browser, rp.authorization_url(prompt="none"))["Location"])
    assert back["error"] == "consent_required"
    assert back["state"] == rp.sent["state"]


def test_a_silent_sign_in_without_a_portal_session_answers_login_required(rp):
    back = query(visit(Client(), rp.authorization_url(prompt="none"))["Location"])
    assert back["error"] == "login_required"
    assert not codes().exists()


def test_a_silent_sign_in_with_several_capacities_answers_interaction_required(
    rp, browser, holder, other_gl_eq
):
    eq, gl = other_gl_eq
    rp.sign_in(browser)  # with one capacity, as before the second enterprise gave a role
    give(gl, eq, holder, "dimona-declaration")
    back = query(visit(browser, rp.authorization_url(prompt="none"))["Location"])
    assert back["error"] == "interaction_required"
    assert back["state"] == rp.sent["state"]
    assert codes().count() == 1  # the first sign-in's


# --- Through the portal's own sign-in -----------------------------------------------------------


def test_a_browser_not_signed_in_signs_in_to_the_portal_first(rp, holder):
    browser = Client()
    response = visit(browser, rp.authorization_url())
    assert response.status_code == 302
    login = response["Location"]
    assert login.startswith(reverse("account_login") + "?next=")
    # The portal's sign-in page, with the password, then back to the authorization.
    response = browser.post(
        login, {"login": holder.email, "password": "correct-horse-battery"}, secure=True
    )
    assert response.status_code == 302
    back_to = response["Location"]
    assert back_to.startswith("/identity/o/authorize?")
    response = browser.get(back_to, secure=True)
    assert response.status_code == 302
    token = rp.callback(response["Location"])
    assert token["userinfo"]["roles"] == ["dimona-declaration"]
    assert token["userinfo"]["acr"] == LOW  # a password, and nothing else
