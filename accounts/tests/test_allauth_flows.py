"""Through allauth: sign-up, mandatory e-mail verification, login, MFA enrolment, admin login."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail

from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-Passphrase-2026"


def totp_now(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def test_sign_up_requires_verifying_the_email_then_logs_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "first_name": "Nora",
            "last_name": "Vermeulen",
            "language": "nl",
            "national_number": "85.07.30-033.28",
            "email": "Nora@Example.test",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nora@example.test")
    assert (user.first_name, user.language, user.national_number) == ("Nora", "nl", "85073003328")
    assert not user.national_number_verified
    # Mandatory verification: not signed in until the link is followed.
    assert client.get("/account/settings/").status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[0].body).group(
        0
    )
    path = (
        link.split("testserver", 1)[-1]
        if "testserver" in link
        else re.sub(r"https?://[^/]+", "", link)
    )
    assert client.post(path).status_code == 302
    assert client.get("/account/settings/").status_code == 200


def test_sign_up_refuses_a_malformed_national_number(client):
    response = client.post(
        "/accounts/signup/",
        {
            "first_name": "Nora",
            "last_name": "Vermeulen",
            "language": "fr",
            "national_number": "85073003329",
            "email": "nora@example.test",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "national_number" in response.context["form"].errors
    assert not User.objects.filter(email="nora@example.test").exists()


def test_login_with_email_and_password(client):
    user = UserFactory(password=PASSWORD)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/settings/").status_code == 200


def test_totp_enrolment_then_login_asks_for_the_code(client):
    user = UserFactory(password=PASSWORD)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    # Enrolling a second factor is sensitive, but the person has just signed in: allauth does
    # not ask for the password again (tests/test_reauthentication.py for a stale sign-in).
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_now(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    client.logout()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.headers["Location"].startswith("/accounts/2fa/authenticate/")
    assert client.get("/account/settings/").status_code == 302  # not yet signed in
    # allauth refuses to reuse the code that activated TOTP; the next period's code is valid.
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert client.get("/account/settings/").status_code == 302


def test_the_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_staff_reach_the_admin_after_signing_in_through_allauth(client):
    staff = UserFactory(password=PASSWORD, is_staff=True, is_superuser=True)
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert client.get("/admin/").status_code == 200
