"""allauth rate limits answer 429 at the threshold; sign-up, login and reset hide accounts."""

import pytest
from django.core import mail

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def test_failed_logins_are_limited_per_account(client):
    user = UserFactory(password=PASSWORD)
    statuses = [
        client.post(
            "/accounts/login/", {"login": user.email, "password": f"wrong{i}"}, secure=True
        ).status_code
        for i in range(6)
    ]
    assert statuses[:5] == [200] * 5  # the form with its error
    assert statuses[5] == 429


def test_the_admin_login_shares_the_same_limits(client):
    user = UserFactory(password=PASSWORD, is_staff=True)
    for i in range(5):
        client.post(
            "/accounts/login/?next=/admin/", {"login": user.email, "password": f"x{i}"}, secure=True
        )
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": user.email, "password": PASSWORD}, secure=True
    )
    assert response.status_code == 429


def test_password_reset_is_limited_per_address(client):
    statuses = [
        client.post(
            "/accounts/password/reset/", {"email": "someone@example.test"}, secure=True
        ).status_code
        for _ in range(6)
    ]
    assert statuses[-1] == 429
    assert statuses[0] == 302


def test_signup_is_limited_per_ip(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "3/m/ip"}
    statuses = [
        client.post("/accounts/signup/", {"email": f"n{i}@example.test"}, secure=True).status_code
        for i in range(4)
    ]
    assert statuses[-1] == 429


def test_password_reset_does_not_reveal_whether_an_account_exists(client):
    user = UserFactory()
    known = client.post("/accounts/password/reset/", {"email": user.email}, secure=True)
    unknown = client.post(
        "/accounts/password/reset/", {"email": "nobody@example.test"}, secure=True
    )
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]


def test_signup_with_a_taken_email_looks_like_success(client):
    user = UserFactory()
    data = {
        "first_name": "A",
        "last_name": "B",
        "language": "fr",
        "email": user.email,
        "password1": "a-long-Passphrase-2026",
        "password2": "a-long-Passphrase-2026",
    }
    response = client.post("/accounts/signup/", data, secure=True)
    # Same redirect as a fresh sign-up; the owner gets an "account already exists" e-mail.
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/confirm-email/"
    assert mail.outbox and mail.outbox[0].to == [user.email]


def test_login_errors_do_not_say_which_part_was_wrong(client):
    user = UserFactory(password=PASSWORD)
    wrong_password = client.post(
        "/accounts/login/", {"login": user.email, "password": "nope-nope"}, secure=True
    )
    no_account = client.post(
        "/accounts/login/", {"login": "nobody@example.test", "password": "nope-nope"}, secure=True
    )
    assert wrong_password.context["form"].errors == no_account.context["form"].errors
