"""An application's side of the sign-in, written as an application team would write it: with
authlib's Django client (`authlib.integrations.django_client`), which keeps the state, the
nonce and the PKCE verifier in the application's session, reads the discovery document and
the JWKS, exchanges the code and checks the ID token (signature with joserfc, then issuer,
audience, expiry, nonce and `at_hash`).

None of the provider's code runs on this side. Only the transport is the tests': authlib's
HTTP goes through `requests` into a Django test client of the portal (`DjangoTransport`), so
the portal's views run unchanged and no server or network is needed. The person's browser is
another test client, signed in to the portal (`tests.personas.signed_in`), that reads the
portal's pages as a browser without JavaScript would (`PageReader`).
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import requests
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from authlib.integrations.requests_client import OAuth2Session
from django.test import Client, RequestFactory
from requests.structures import CaseInsensitiveDict

from relying.tests.conftest import REDIRECT_URI

# The portal as applications reach it (settings.SITE_URL in these tests). Over https:
# authlib refuses plain http for token and resource requests, as it should.
BASE = "https://testserver"
DISCOVERY_URL = f"{BASE}/.well-known/openid-configuration"
# Headers `requests` sets that the test client takes as arguments or computes itself.
_TRANSPORT_HEADERS = {"content-type", "content-length", "host"}


class DjangoTransport(requests.adapters.BaseAdapter):
    """`requests` → the portal's views, through a test client without cookies: the
    application's back channel (token, introspection, userinfo) carries no browser session."""

    def send(self, request, **kwargs):
        url = urlsplit(request.url)
        body = request.body or b""
        response = Client().generic(
            request.method,
            url.path + (f"?{url.query}" if url.query else ""),
            data=body.encode() if isinstance(body, str) else body,
            content_type=request.headers.get("Content-Type", ""),
            secure=url.scheme == "https",
            headers={
                name: value
                for name, value in request.headers.items()
                if name.lower() not in _TRANSPORT_HEADERS
            },
        )
        answer = requests.Response()
        answer.status_code = response.status_code
        answer.headers = CaseInsensitiveDict(response.headers.items())
        answer._content = response.content
        answer.encoding = response.charset or "utf-8"
        answer.url = request.url
        answer.request = request
        answer.reason = response.reason_phrase
        return answer

    def close(self):
        pass


class PortalSession(OAuth2Session):
    """authlib's `requests` session, its requests to the portal through `DjangoTransport`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mount(f"{BASE}/", DjangoTransport())


class PortalApp(DjangoOAuth2App):
    client_cls = PortalSession


@dataclass
class Application:
    """One relying application: its registration at the portal and its own session (a
    dict, as its Django session would be) where authlib keeps each sign-in's state."""

    client_id: str
    secret: str | None = None
    scope: str = "openid enterprise roles"
    redirect_uri: str = REDIRECT_URI
    pkce: bool = True
    session: dict = field(default_factory=dict)
    # What authlib kept for the last authorization request: state, nonce, code_verifier.
    sent: dict = field(default_factory=dict)

    def __post_init__(self):
        client_kwargs = {"scope": self.scope}
        if self.pkce:
            client_kwargs["code_challenge_method"] = "S256"
        self.app: PortalApp = OAuth().register(
            "portal",
            client_id=self.client_id,
            client_secret=self.secret,
            server_metadata_url=DISCOVERY_URL,
            client_kwargs=client_kwargs,
            client_cls=PortalApp,
        )

    @property
    def metadata(self) -> dict:
        return self.app.load_server_metadata()

    def endpoint(self, name: str) -> str:
        return self.metadata[name]

    def back_channel(self) -> PortalSession:
        """A bare authlib session of the application's back-end, authenticating with
        client_secret_basic (a public client: with its client_id only)."""
        return PortalSession(client_id=self.client_id, client_secret=self.secret)

    def authorization_url(self, **params) -> str:
        """Where the application sends the browser (authlib's `authorize_redirect`)."""
        request = RequestFactory().get("/login")
        request.session = self.session
        location = self.app.authorize_redirect(request, self.redirect_uri, **params)["Location"]
        self.sent = {**self.session[f"_state_portal_{query(location)['state']}"]["data"]}
        self.sent["state"] = query(location)["state"]
        return location

    def callback(self, location: str) -> dict:
        """The browser comes back to the application (authlib's `authorize_access_token`):
        state checked, code exchanged with the verifier, ID token verified. Returns the
        token response, with the checked ID token claims under "userinfo"."""
        url = urlsplit(location)
        request = RequestFactory().get(url.path, data=query(location))
        request.session = self.session
        return self.app.authorize_access_token(request)

    def sign_in(self, browser, **params) -> dict:
        """The whole sign-in when the portal has nothing to ask: it redirects at once."""
        response = visit(browser, self.authorization_url(**params))
        assert response.status_code == 302, response.content[:1500]
        assert response["Location"].startswith(self.redirect_uri + "?"), response["Location"]
        return self.callback(response["Location"])

    def exchange(self, code: str, **params) -> dict:
        """The code's exchange by hand (authlib's `fetch_token`), for the refusals."""
        params.setdefault("redirect_uri", self.redirect_uri)
        if self.pkce:
            params.setdefault("code_verifier", self.sent["code_verifier"])
        return self.back_channel().fetch_token(
            self.endpoint("token_endpoint"), grant_type="authorization_code", code=code, **params
        )

    def introspect(self, token: str, **kwargs) -> dict:
        response = self.back_channel().introspect_token(
            self.endpoint("introspection_endpoint"), token=token, **kwargs
        )
        assert response.status_code == 200, response.content
        return response.json()

    def userinfo(self, access_token: str) -> requests.Response:
        return self.back_channel().get(
            self.endpoint("userinfo_endpoint"),
            headers={"Authorization": f"Bearer {access_token}"},
            withhold_token=True,
        )

    def refresh(self, refresh_token: str) -> dict:
        return self.back_channel().refresh_token(
            self.endpoint("token_endpoint"), refresh_token=refresh_token
        )


def visit(browser, url: str, **kwargs):
    """The person's browser follows `url` to the portal: one request, no redirect followed
    (where the portal sends the browser is what the tests look at)."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE, url
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return browser.get(path, secure=True, **kwargs)


def query(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def basic(client_id: str, secret: str) -> str:
    """An `Authorization` header for HTTP Basic (RFC 7617), as clients send their secret."""
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def with_second_factor(browser):
    """The browser's portal session as after a sign-in with a second factor (TOTP): the
    authentication records allauth keeps, which the portal reads for `acr`."""
    session = browser.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        *records,
        {"method": "mfa", "type": "totp", "at": time.time()},
    ]
    session.save()
    return browser


def one_byte_changed(value: str, segment: int | None = None) -> str:
    """`value` with one character replaced by another of the base64url alphabet, so it is
    still well-formed. For a compact JWS, in `segment` (1 the payload, 2 the signature)."""
    parts = value.split(".") if segment is not None else [value]
    index = segment or 0
    middle = len(parts[index]) // 2
    replacement = "A" if parts[index][middle] != "A" else "B"
    parts[index] = parts[index][:middle] + replacement + parts[index][middle + 1 :]
    return ".".join(parts)


class PageReader(HTMLParser):
    """What a browser without JavaScript sees of a page: its forms (fields and buttons),
    its labels, fieldsets with their legends, and its links."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self.labels: dict[str, str] = {}
        self.links: list[tuple[str, str]] = []
        self.legends: list[str] = []
        self.ids: set[str] = set()
        self._label_for: str | None = None
        self._text: list[str] | None = None
        self._link: str | None = None
        self._in_fieldset = 0
        self.fields_in_fieldset: list[str] = []
        self.raw = html
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "form":
            self.forms.append(
                {"action": attrs.get("action", ""), "method": attrs.get("method", "get")}
                | {"fields": [], "buttons": []}
            )
        elif tag == "input" and self.forms:
            self.forms[-1]["fields"].append(attrs)
            if self._in_fieldset and attrs.get("type") == "radio":
                self.fields_in_fieldset.append(attrs.get("id", ""))
        elif tag == "button" and self.forms:
            self.forms[-1]["buttons"].append(attrs)
        elif tag == "label":
            self._label_for, self._text = attrs.get("for"), []
        elif tag == "legend":
            self._text = []
        elif tag == "a":
            self._link, self._text = attrs.get("href", ""), []
        elif tag == "fieldset":
            self._in_fieldset += 1

    def handle_endtag(self, tag):
        text = " ".join("".join(self._text or []).split())
        if tag == "label" and self._label_for:
            self.labels[self._label_for] = text
            self._label_for = None
        elif tag == "legend":
            self.legends.append(text)
        elif tag == "a" and self._link is not None:
            self.links.append((self._link, text))
            self._link = None
        elif tag == "fieldset":
            self._in_fieldset -= 1
        if tag in ("label", "legend", "a"):
            self._text = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def form(self, field: str) -> dict:
        """The page's one form with an input named `field` (the header has forms too)."""
        [form] = [f for f in self.forms if any(i.get("name") == field for i in f["fields"])]
        return form

    def radios(self, name: str) -> list[dict]:
        forms = [f for f in self.forms if any(i.get("name") == name for i in f["fields"])]
        fields = forms[0]["fields"] if forms else []
        return [f for f in fields if f.get("type") == "radio" and f.get("name") == name]

    def submission(
        self, *, field: str, choose: dict[str, str], button: str
    ) -> dict[str, list[str]]:
        """The data the browser posts with the form of `field`: its hidden fields as the
        page has them (a name may repeat), the radio buttons chosen, and the name and value
        of the button pressed."""
        form = self.form(field)
        data: dict[str, list[str]] = {}
        for f in form["fields"]:
            if f.get("type") == "hidden" and f.get("name"):
                data.setdefault(f["name"], []).append(f.get("value", ""))
        data.update({name: [value] for name, value in choose.items()})
        [pressed] = [b for b in form["buttons"] if b.get("value") == button]
        data[pressed["name"]] = [pressed["value"]]
        return data
