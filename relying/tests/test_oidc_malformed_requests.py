"""Requests that name nothing: a client id no client can have (a NUL in it, another control
character, too long), a token or a parameter holding a NUL. Each is refused as what it fails
to name is refused (an unknown client, an unknown token, a malformed request), never a 500.

PostgreSQL refuses a NUL in a text parameter and in JSON (DataError): there every one of
these answered 500. `test_flow_on_sqlite.py` runs this module again on SQLite when the suite
runs on PostgreSQL, where the same answers hold.
"""

import base64
import importlib
import pkgutil
from urllib.parse import urlencode

import allauth.idp.oidc
import pytest
from allauth.idp.oidc.models import Token
from django.test import Client

from relying import client_ids, csp
from relying.tests.authzen_support import client_credentials_token
from relying.tests.conftest import REDIRECT_URI
from relying.tests.rp import query

pytestmark = pytest.mark.django_db

AUTHORIZE = "/identity/o/authorize"
TOKEN = "/identity/o/api/token"
INTROSPECT = "/identity/o/api/introspect"
REVOKE = "/identity/o/api/revoke"
USERINFO = "/identity/o/api/userinfo"
DEVICE_CODE = "/identity/o/api/device/code"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
FORM = "application/x-www-form-urlencoded"
INVALID_CLIENT = {"error": "invalid_client"}
# Client ids no client can have, and "abc", merely unknown: each is refused as that one is.
NOT_CLIENT_IDS = {
    "unknown": "abc",
    "a NUL at the end": "abc\x00",
    "a NUL inside": "ab\x00c",
    "another control character": "abc\x01",
    "beyond ASCII": "abcé",
    "over 100 characters": "a" * 101,
}


def basic(client_id: str, secret: str) -> str:
    """HTTP Basic as `requests` would send it, bytes and all (a NUL included)."""
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def post(path: str, form: dict, *, authorization: str | None = None):
    """The application's back-end posts a form, as an OAuth client does."""
    headers = {"Authorization": authorization} if authorization else {}
    return Client().post(path, urlencode(form), content_type=FORM, headers=headers)


def assert_invalid_client(response) -> None:
    assert response.status_code == 401, response.content
    assert response.json() == INVALID_CLIENT
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_client"'


def authorization_request(client_id: str, **params) -> dict:
    return {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid enterprise roles",
        "state": "the-state",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
        **params,
    }


def codes():
    return Token.objects.filter(type=Token.Type.AUTHORIZATION_CODE)


# --- The one question: can this string be a client id? --------------------------------------


@pytest.mark.parametrize(
    "value",
    ["3f0c5e6b9d2a4c7e8f1a2b3c4d5e6f70", "sample-dimona", "a client", "~!*'()", "a" * 100],
)
def test_a_client_id_is_1_to_100_printable_ascii_characters(value):
    assert client_ids.is_client_id(value)


@pytest.mark.parametrize(
    "value",
    ["", "abc\x00", "\x00", "ab\tc", "abc\n", "abc\x7f", "abcé", "a" * 101, None, 7, b"abc"],
)
def test_anything_else_is_no_client_id(value):
    assert not client_ids.is_client_id(value)


def test_every_look_up_of_allauth_by_client_id_asks_first():
    """No module of allauth's provider holds a look-up by client id unguarded, under any
    name: a later allauth that imports one elsewhere fails here, not in production."""
    guarded = [getattr(home, name) for home, name, _sites in client_ids.LOOKUPS]
    assert all(lookup.asks_is_client_id for lookup in guarded)
    unguarded = [lookup.__wrapped__ for lookup in guarded]
    holders = []
    for info in pkgutil.walk_packages(allauth.idp.oidc.__path__, "allauth.idp.oidc."):
        try:
            module = importlib.import_module(info.name)
        except ImportError:
            continue  # contrib modules of a framework the portal does not install
        holders += [
            f"{info.name}.{name}"
            for name, value in vars(module).items()
            if any(value is lookup for lookup in unguarded)
        ]
    assert holders == []


# --- The authorization endpoint ---------------------------------------------------------------


# A real client's id, spoilt; "unknown": the page every one of them must get.
SPOILT = {
    "unknown": lambda real: "no-such-client",
    "a NUL at the end": lambda real: real + "\x00",
    "a NUL inside": lambda real: real[:4] + "\x00" + real[4:],
    "another control character": lambda real: real + "\x01",
    "beyond ASCII": lambda real: real + "é",
    "over 100 characters": lambda real: real.ljust(101, "0"),
}


@pytest.mark.parametrize("spoil", SPOILT.values(), ids=SPOILT.keys())
def test_a_client_id_that_cannot_be_one_gets_the_unknown_clients_page(registered, browser, spoil):
    registration, _secret = registered
    response = browser.get(AUTHORIZE, authorization_request(spoil(registration.client_id)))
    assert response.status_code == 400
    assert "Location" not in response
    assert b"Invalid client_id parameter value." in response.content
    assert csp.SESSION_KEY not in browser.session
    assert not codes().exists()


@pytest.mark.parametrize("spoil", SPOILT.values(), ids=SPOILT.keys())
def test_before_the_sign_in_such_a_client_id_is_answered_as_an_unknown_one(registered, spoil):
    """Nobody signed in: the portal's sign-in comes first, and remembers no origin."""
    registration, _secret = registered
    browser = Client()
    response = browser.get(AUTHORIZE, authorization_request(spoil(registration.client_id)))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert csp.SESSION_KEY not in browser.session


def test_a_redirect_uri_holding_a_nul_gets_the_portals_page(registered, browser):
    registration, _secret = registered
    params = authorization_request(registration.client_id, redirect_uri=REDIRECT_URI + "\x00")
    response = browser.get(AUTHORIZE, params)
    assert response.status_code == 400
    assert "Location" not in response
    assert b"Mismatching redirect URI" in response.content
    assert csp.SESSION_KEY not in browser.session


@pytest.mark.parametrize(
    "param", ["nonce", "code_challenge", "state", "login_hint", "acr_values", "enterprise"]
)
def test_a_nul_in_another_parameter_goes_back_to_the_application_as_invalid_request(
    registered, browser, param
):
    registration, _secret = registered
    params = authorization_request(registration.client_id, **{param: "ab\x00c"})
    response = browser.get(AUTHORIZE, params)
    assert response.status_code == 302
    assert response["Location"].startswith(REDIRECT_URI + "?")
    answer = query(response["Location"])
    assert answer["error"] == "invalid_request"
    assert answer["error_description"] == "A parameter holds a NUL character."
    assert answer["state"] == params["state"]
    assert "code" not in answer
    assert not codes().exists()


@pytest.mark.parametrize("resource", ["https://api.example.test/\x00", "not-a-uri"])
def test_a_resource_holding_a_nul_gets_the_page_of_any_malformed_resource(
    registered, browser, resource
):
    registration, _secret = registered
    params = authorization_request(registration.client_id, resource=resource)
    response = browser.get(AUTHORIZE, params)
    assert response.status_code == 400
    assert "Location" not in response
    assert not codes().exists()


# --- The token endpoint ---------------------------------------------------------------------


@pytest.mark.parametrize("client_id", NOT_CLIENT_IDS.values(), ids=NOT_CLIENT_IDS.keys())
@pytest.mark.parametrize(
    "request_for",
    [
        # client_secret_post, the brief's `client_id=abc%00&client_secret=x`
        lambda client_id: post(
            TOKEN,
            {"grant_type": "client_credentials", "client_id": client_id, "client_secret": "x"},
        ),
        # client_secret_basic
        lambda client_id: post(
            TOKEN, {"grant_type": "client_credentials"}, authorization=basic(client_id, "x")
        ),
        # a public client's code exchange: the client id alone
        lambda client_id: post(
            TOKEN,
            {"grant_type": "authorization_code", "client_id": client_id, "code": "x"},
        ),
        # the device grant, which allauth handles before oauthlib
        lambda client_id: post(
            TOKEN, {"grant_type": DEVICE_GRANT, "client_id": client_id, "device_code": "x"}
        ),
    ],
    ids=["secret in the body", "HTTP Basic", "client id alone", "device grant"],
)
def test_the_token_endpoint_refuses_such_a_client_id_as_an_unknown_client(
    registered, request_for, client_id
):
    response = request_for(client_id)
    assert response.status_code == 401, response.content
    assert response.json() == INVALID_CLIENT
    assert not Token.objects.exclude(type=Token.Type.AUTHORIZATION_CODE).exists()


@pytest.mark.parametrize("other", ["another-client", "ab\x00c"], ids=["another", "a NUL"])
def test_a_body_naming_another_client_than_http_basic_is_refused(registered, other):
    """oauthlib answered 500 (`server_error`): one way of authenticating per request."""
    registration, secret = registered
    response = post(
        TOKEN,
        {"grant_type": "client_credentials", "client_id": other},
        authorization=basic(registration.client_id, secret),
    )
    assert_invalid_client(response)
    assert not Token.objects.exists()


def test_the_body_may_name_the_client_http_basic_authenticates(registered):
    registration, secret = registered
    response = post(
        TOKEN,
        {"grant_type": "client_credentials", "client_id": registration.client_id},
        authorization=basic(registration.client_id, secret),
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("form", "error"),
    [
        (
            {"grant_type": "authorization_code", "code": "ab\x00c", "redirect_uri": REDIRECT_URI},
            "invalid_grant",
        ),
        ({"grant_type": "refresh_token", "refresh_token": "ab\x00c"}, "invalid_grant"),
        ({"grant_type": "client_credentials", "scope": "openid\x00"}, "invalid_scope"),
        ({"grant_type": "client\x00credentials"}, "unsupported_grant_type"),
    ],
    ids=["code", "refresh token", "scope", "grant type"],
)
def test_a_token_request_with_a_nul_elsewhere_gets_its_oauth_error(registered, form, error):
    registration, secret = registered
    response = post(TOKEN, form, authorization=basic(registration.client_id, secret))
    assert response.status_code == 400, response.content
    assert response.json()["error"] == error


@pytest.mark.parametrize("resource", ["https://api.example.test/\x00", "not-a-uri"])
def test_a_resource_that_is_no_uri_gets_invalid_target(registered, resource):
    """RFC 8707's error, where allauth let a malformed resource out as a 500."""
    registration, secret = registered
    response = post(
        TOKEN,
        {"grant_type": "client_credentials", "resource": resource},
        authorization=basic(registration.client_id, secret),
    )
    assert response.status_code == 400, response.content
    assert response.json() == {
        "error": "invalid_target",
        "error_description": "Resource must be an absolute URI.",
    }
    assert not Token.objects.exists()


# --- Introspection and revocation --------------------------------------------------------------


@pytest.mark.parametrize("path", [INTROSPECT, REVOKE], ids=["introspection", "revocation"])
@pytest.mark.parametrize(
    ("form", "authorization"),
    [
        ({"token": "x"}, basic("abc", "x")),
        ({"token": "x"}, basic("ab\x00c", "x")),
        ({"token": "x", "client_id": "a\x00"}, None),
        ({"token": "x", "client_id": "a\x00", "client_secret": "x"}, None),
        ({"token": "x", "client_id": "a" * 101, "client_secret": "x"}, None),
    ],
    ids=["unknown", "a NUL in HTTP Basic", "a NUL in the body", "with a secret", "too long"],
)
def test_such_a_client_id_is_refused_as_an_unknown_client(path, form, authorization):
    assert_invalid_client(post(path, form, authorization=authorization))


def test_introspecting_a_token_holding_a_nul_answers_inactive(registered):
    registration, secret = registered
    response = post(
        INTROSPECT,
        {"token": "ab\x00c", "token_type_hint": "access\x00token"},
        authorization=basic(registration.client_id, secret),
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"active": False}


def test_revoking_a_token_holding_a_nul_answers_as_for_an_unknown_token(registered):
    registration, secret = registered
    token = client_credentials_token(registration.client_id, secret)
    response = post(
        REVOKE, {"token": token + "\x00"}, authorization=basic(registration.client_id, secret)
    )
    assert response.status_code == 200, response.content
    assert Token.objects.filter(type=Token.Type.ACCESS_TOKEN).count() == 1


# --- Userinfo and the device flow ---------------------------------------------------------------


@pytest.mark.parametrize("presented", ["header", "form field"])
def test_userinfo_refuses_an_access_token_holding_a_nul(presented):
    if presented == "header":
        response = Client().get(USERINFO, headers={"Authorization": "Bearer ab\x00c"})
    else:
        response = post(USERINFO, {"access_token": "ab\x00c"})
    assert response.status_code == 401, response.content
    assert response.json()["error"] == "invalid_token"
    assert response["WWW-Authenticate"].startswith('Bearer error="invalid_token"')


@pytest.mark.parametrize(
    "data",
    [{"client_id": "abc"}, {"client_id": "ab\x00c"}, {"client_id": "abc", "resource": "x y"}],
    ids=["unknown client", "NUL in the client id", "malformed resource"],
)
@pytest.mark.parametrize("address", [DEVICE_CODE, "/identity/o/device"])
def test_the_device_flow_is_not_offered(address, data):
    """allauth routes the device flow; the portal offers it to nobody (it is not in the
    discovery document), so its addresses are not found, whatever they are sent."""
    assert post(address, data).status_code == 404
    assert Client().get(address, data).status_code == 404
