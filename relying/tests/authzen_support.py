"""What the decision API's tests share: tokens obtained through the real token endpoint
(client credentials for an application's back-end, the code flow for a person), and a
caller that posts JSON with a bearer token."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlparse

from allauth.idp.oidc.adapter import get_adapter
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.test import Client

from relying.tests.conftest import REDIRECT_URI
from tests.personas import signed_in

TOKEN_URL = "/identity/o/api/token"
EVALUATION = "/access/v1/evaluation"
EVALUATIONS = "/access/v1/evaluations"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def client_credentials_token(client_id: str, secret: str) -> str:
    """An application back-end's access token, from the token endpoint."""
    response = Client().post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic(client_id, secret),
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def person_access_token(registration, secret: str, person) -> str:
    """A person's access token for the application (code flow with PKCE)."""
    client = signed_in(person)
    verifier = generate_token(48)
    response = client.get(
        "/identity/o/authorize",
        {
            "response_type": "code",
            "client_id": registration.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid enterprise roles",
            "state": generate_token(16),
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    code = parse_qs(urlparse(response["Location"]).query)["code"][0]
    response = client.post(
        TOKEN_URL,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
            "client_id": registration.client_id,
            "client_secret": secret,
        },
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def sub_of(registration, person) -> str:
    return get_adapter().get_user_sub(registration.client, person)


def post(path: str, body, *, token: str | None = None, **headers):
    """POST `body` (a dict, or bytes sent as they are) as JSON, with the bearer token, by a
    client that checks CSRF as browsers make Django do: the API is exempt, the token is its
    proof."""
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    client = Client(enforce_csrf_checks=True)
    return client.post(path, data, content_type="application/json", **headers)


def question(subject_id: str, enterprise: str, role: str, *, subject_type: str = "user") -> dict:
    return {
        "subject": {"type": subject_type, "id": subject_id},
        "resource": {"type": "enterprise", "id": enterprise},
        "action": {"name": role},
    }
