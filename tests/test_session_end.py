"""Sessions end server-side: at logout the session row is gone (a copied cookie is useless), and
an account deactivated by staff loses its session at its next request for good — reactivating
the account later does not bring the old session back."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def signed_in_client(user) -> tuple[Client, str]:
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


def replay(key: str) -> Client:
    """Another browser presenting a copy of the old session cookie."""
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = key
    return thief


def test_logout_deletes_the_session_on_the_server(client):
    user = UserFactory(password=PASSWORD)
    client, key = signed_in_client(user)
    assert Session.objects.filter(session_key=key).exists()
    assert replay(key).get("/account/settings/", secure=True).status_code == 200
    client.post("/accounts/logout/", secure=True)
    assert not Session.objects.filter(session_key=key).exists()
    assert replay(key).get("/account/settings/", secure=True).status_code == 302


def test_a_deactivated_account_loses_its_session_even_once_reactivated():
    user = UserFactory(password=PASSWORD)
    client, key = signed_in_client(user)
    user.is_active = False
    user.save()
    response = client.get("/account/settings/", secure=True)
    assert response.status_code == 302
    assert "/accounts/login/" in response.headers["Location"]
    user.is_active = True
    user.save()
    # The account is back, but whoever held that session must sign in again.
    assert replay(key).get("/account/settings/", secure=True).status_code == 302
    assert client.get("/account/settings/", secure=True).status_code == 302
