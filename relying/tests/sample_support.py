"""What the tests of the sample application (sample_app/) share: the sample served against
the portal's live server, a "browser" that carries a portal session over HTTP, and Security
Event Tokens signed with the provider's key exactly as the events contract describes."""

from __future__ import annotations

import threading
import time
import uuid
from contextlib import contextmanager
from html.parser import HTMLParser
from urllib.parse import urljoin

import jwt
import requests
from allauth.core.internal.jwkkit import load_jwk_from_pem
from allauth.idp.oidc.adapter import get_adapter
from django.conf import settings
from werkzeug.serving import make_server

from relying import demo
from sample_app.app import CLAIMS_CHANGE, SESSION_REVOKED, create_app

__all__ = ["CLAIMS_CHANGE", "SESSION_REVOKED"]


def sample_app(portal_url: str, instance_dir, *, sample_url: str = demo.SAMPLE_URL):
    """The sample configured as `make sample` configures it, against this portal."""
    app = create_app(
        {
            "PORTAL_URL": portal_url,
            "SAMPLE_URL": sample_url,
            "SAMPLE_CLIENT_ID": demo.CLIENT_ID,
            "SAMPLE_CLIENT_SECRET": demo.CLIENT_SECRET,
            "SAMPLE_INSTANCE_DIR": str(instance_dir),
            "SAMPLE_SECRET_KEY": "tests-only",
        }
    )
    app.testing = True
    return app


@contextmanager
def serving(portal_url: str, instance_dir):
    """The sample served over HTTP on a free loopback port (for the portal's event pushes and
    a real browser): yields its base URL."""
    server = make_server("127.0.0.1", 0, None, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    server.app = sample_app(portal_url, instance_dir, sample_url=url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        thread.join(timeout=10)


class _Forms(HTMLParser):
    """The POST forms of a page: their action, inputs and radio values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "fields": [], "radios": []}
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and attrs.get("name"):
            if attrs.get("type") == "radio":
                self._current["radios"].append((attrs["name"], attrs.get("value")))
            else:
                self._current["fields"].append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


class PortalBrowser:
    """A person's browser on the portal: their session cookie, requests without redirects."""

    def __init__(self, django_client):
        self.cookies = {name: morsel.value for name, morsel in django_client.cookies.items()}

    def _headers(self):
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def _keep(self, response):
        self.cookies.update(response.cookies.get_dict())
        return response

    def get(self, url):
        return self._keep(
            requests.get(url, headers=self._headers(), allow_redirects=False, timeout=30)
        )

    def choose(self, page_url: str, html: str, option_key: str):
        """Submit the capacity screen with `option_key` chosen."""
        parser = _Forms()
        parser.feed(html)
        [form] = [f for f in parser.forms if any(n == "capacity" for n, _v in f["radios"])]
        assert ("capacity", option_key) in form["radios"], (option_key, form["radios"])
        data = [*form["fields"], ("capacity", option_key), ("action", "grant")]
        headers = {**self._headers(), "Referer": page_url}
        response = requests.post(
            urljoin(page_url, form["action"]),
            data=data,
            headers=headers,
            allow_redirects=False,
            timeout=30,
        )
        return self._keep(response)


def sign_in(sample, browser: PortalBrowser, *, choose: str | None = None, query: str = ""):
    """Sign in to the sample (its Flask test client) through the portal as `browser`'s
    person; `choose` is the capacity screen's option key when it shows. Returns the
    sample's answer to the portal's redirect back (its callback)."""
    started = sample.get("/login" + query)
    assert started.status_code == 302, started.data
    authorize = started.headers["Location"]
    answer = browser.get(authorize)
    if answer.status_code == 200:
        assert choose is not None, "the capacity screen showed: say which option to choose"
        answer = browser.choose(authorize, answer.text, choose)
    assert answer.status_code == 302, answer.text[:2000]
    back = answer.headers["Location"]
    assert back.startswith(demo.SAMPLE_URL + "/callback?"), back
    return sample.get(back.removeprefix(demo.SAMPLE_URL))


def signing_key():
    """(kid, private key) of the provider's signing key, as the JWKS publishes it."""
    jwk, private_key = load_jwk_from_pem(get_adapter().get_signing_key().pem)
    return jwk["kid"], private_key


def set_claims(sub: str, tenant: str | None, *, event=SESSION_REVOKED, roles=None, **changes):
    """A SET's claims as the events contract makes them (for the demo client)."""
    now = int(time.time())
    sub_id = {"format": "complex", "user": {"format": "opaque", "id": sub}}
    if tenant is not None:
        sub_id["tenant"] = {"format": "opaque", "id": tenant}
    payload = {
        "event_timestamp": now,
        "initiating_entity": "admin",
        "reason_admin": {"en": "The local manager ended the role."},
    }
    if event == CLAIMS_CHANGE:
        payload["claims"] = {"roles": roles or []}
    claims = {
        "iss": settings.SITE_URL,
        "aud": demo.CLIENT_ID,
        "iat": now,
        "jti": uuid.uuid4().hex,
        "sub_id": sub_id,
        "events": {event: payload},
    }
    claims.update(changes)
    return claims


def sign_set(claims: dict, *, key=None, kid=None, headers=None) -> str:
    """The JWS the portal pushes: RS256, the provider's kid, typ secevent+jwt."""
    default_kid, default_key = signing_key()
    header = {"kid": kid or default_kid, "typ": "secevent+jwt", **(headers or {})}
    return jwt.encode(claims, key or default_key, algorithm="RS256", headers=header)
