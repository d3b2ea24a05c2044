"""The sign-in flow end to end with authlib (an independent client) over Django's client."""

from urllib.parse import parse_qs, urlparse

import pytest
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import KeySet

from relying.tests.conftest import REDIRECT_URI
from tests.personas import signed_in

pytestmark = pytest.mark.django_db


def test_code_pkce_and_claims(registered, holder, employer_eq):
    registration, secret = registered
    client = signed_in(holder)
    discovery = client.get("/.well-known/openid-configuration").json()
    verifier = generate_token(48)
    state, nonce = generate_token(16), generate_token(16)
    authorize = urlparse(discovery["authorization_endpoint"]).path
    response = client.get(
        authorize,
        {
            "response_type": "code",
            "client_id": registration.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid enterprise roles egovnrn",
            "state": state,
            "nonce": nonce,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    query = parse_qs(urlparse(response["Location"]).query)
    assert query["state"] == [state]
    token = client.post(
        urlparse(discovery["token_endpoint"]).path,
        {
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
            "client_id": registration.client_id,
            "client_secret": secret,
        },
    ).json()
    keys = KeySet.import_key_set(client.get(urlparse(discovery["jwks_uri"]).path).json())
    claims = jwt.decode(token["id_token"], keys).claims
    assert claims["nonce"] == nonce
    assert claims["enterprise"]["number"] == employer_eq.enterprise.number
    assert claims["roles"] == ["dimona-declaration"]
    assert claims["egovnrn"] == holder.national_number
    intro = client.post(
        "/identity/o/api/introspect",
        {"token": token["access_token"]},
        HTTP_AUTHORIZATION=_basic(registration.client_id, secret),
    ).json()
    assert intro["active"] is True
    assert intro["roles"] == ["dimona-declaration"]


def _basic(user, password):
    import base64

    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
