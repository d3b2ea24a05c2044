"""Security protections of the whole site; each test fails if its protection is removed."""

import re

import pytest
from django.conf import settings

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
PUBLIC_PAGES = ["/", "/wizard/", "/accounts/login/", "/accounts/signup/", "/enterprises/search/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_page_has_a_nonce_csp_and_no_unsafe_inline(client, path):
    response = client.get(path, secure=True)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    # Any inline script the page carries must bear this request's nonce.
    for tag in re.findall(rb"<script(?![^>]*\bsrc=)[^>]*>", response.content):
        if b'type="application/json"' in tag:
            continue
        assert f'nonce="{nonce}"'.encode() in tag, tag
    assert b" onclick=" not in response.content and b" style=" not in response.content


def test_nonces_differ_between_requests(client):
    first = client.get("/", secure=True).headers["Content-Security-Policy"]
    second = client.get("/", secure=True).headers["Content-Security-Policy"]
    assert re.search(r"nonce-[^']+", first).group(0) != re.search(r"nonce-[^']+", second).group(0)


def test_hsts_nosniff_referrer_coop_and_framing(client):
    response = client.get("/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response.headers["Strict-Transport-Security"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_plain_http_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/", secure=False)
    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://")
    # Behind the proxy, its header says the original request was HTTPS.
    assert client.get("/", headers={"X-Forwarded-Proto": "https"}).status_code == 200


def test_session_and_csrf_cookies_are_host_prefixed_and_secure(client):
    user = UserFactory(password=PASSWORD)
    client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": PASSWORD}, secure=True
    )
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert settings.SESSION_COOKIE_NAME == "__Host-sessionid"
    assert session["secure"] and session["httponly"] and session["path"] == "/"
    assert not session["domain"]
    assert settings.CSRF_COOKIE_NAME == "__Host-csrftoken"
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["path"] == "/"


def test_state_changes_need_the_csrf_token():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    user = UserFactory(password=PASSWORD)
    response = strict.post(
        "/accounts/login/", {"login": user.email, "password": PASSWORD}, secure=True
    )
    assert response.status_code == 403
    response = strict.post("/i18n/setlang/", {"language": "nl"}, secure=True)
    assert response.status_code == 403


def test_logout_needs_a_post(client):
    user = UserFactory(password=PASSWORD)
    client.force_login(user)
    client.get("/accounts/logout/", secure=True)
    assert "_auth_user_id" in client.session  # a GET shows a confirmation, never logs out
    client.post("/accounts/logout/", secure=True)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_login_refuses_open_redirects(client, target):
    user = UserFactory(password=PASSWORD)
    response = client.post(
        f"/accounts/login/?next={target}",
        {"login": user.email, "password": PASSWORD, "next": target},
        secure=True,
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil.example" not in location and not location.startswith("javascript")


def test_the_language_switch_refuses_open_redirects(client):
    response = client.post(
        "/i18n/setlang/", {"language": "nl", "next": "https://evil.example/"}, secure=True
    )
    assert "evil.example" not in response.headers["Location"]


def test_the_session_is_renewed_at_login(client):
    user = UserFactory(password=PASSWORD)
    client.get("/accounts/login/", secure=True)
    client.session.save()
    before = client.session.session_key
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, secure=True)
    assert client.session.session_key != before


def test_the_session_ends_at_password_change(client):
    user = UserFactory(password=PASSWORD)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, secure=True)
    new = "another-Long-passphrase-9"
    client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
        secure=True,
    )
    assert "_auth_user_id" not in client.session


def test_a_deactivated_account_is_signed_out_on_its_next_request(client):
    user = UserFactory(password=PASSWORD)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, secure=True)
    assert client.get("/account/settings/", secure=True).status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/account/settings/", secure=True).status_code == 302
