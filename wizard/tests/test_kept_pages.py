"""The anonymous wizard page kept whole (portal.public_html): each visitor's own token and
nonce, nothing kept for a signed-in person, a message or a new publication."""

import re

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.tests.factories import UserFactory
from portal import public_html
from wizard.selectors import clear_page_cache

pytestmark = pytest.mark.django_db

URL = reverse("wizard:page", kwargs={"slug": "gl-manage-roles"})


@pytest.fixture(autouse=True)
def _empty_store():
    public_html.clear()
    yield
    public_html.clear()


def _token_and_nonce(response) -> tuple[str, str]:
    html = response.content.decode()
    assert public_html.CSRF_MARKER not in html and public_html.NONCE_MARKER not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    nonce = re.search(r'portal\.css" nonce="([^"]+)"', html).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    return token, nonce


def test_each_anonymous_visitor_gets_the_kept_page_with_their_own_token_and_nonce(
    client, django_assert_num_queries
):
    first = client.get(URL)
    with django_assert_num_queries(0):
        second = client.get(URL)
    other = Client().get(URL)
    assert len(public_html._pages) == 1
    tokens_and_nonces = {_token_and_nonce(r) for r in (first, second, other)}
    assert len(tokens_and_nonces) == 3
    strip = lambda r: re.sub(r'(value|nonce)="[^"]+"', "", r.content.decode())  # noqa: E731
    assert strip(first) == strip(second) == strip(other)
    # The token is one of the visitor's own CSRF secret: the language form accepts it.
    strict = Client(enforce_csrf_checks=True)
    strict.get(URL)
    kept = strict.get(URL)
    data = {"language": "nl", "next": URL, "csrfmiddlewaretoken": _token_and_nonce(kept)[0]}
    assert strict.post(reverse("set_language"), data).status_code == 302
    assert (
        strict.post(reverse("set_language"), {**data, "csrfmiddlewaretoken": "x" * 64}).status_code
        == 403
    )


def test_a_signed_in_person_or_a_query_string_is_never_served_a_kept_page(client):
    client.get(URL)
    client.force_login(UserFactory(first_name="Kept", last_name="Nowhere"))
    html = client.get(URL).content.decode()
    assert "Kept Nowhere" in html
    client.logout()
    client.get(URL + "?x=1")
    assert len(public_html._pages) == 1


def test_a_waiting_message_is_shown_not_kept():
    request = RequestFactory().get(URL)
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    request._messages = CookieStorage(request)
    assert public_html.key_for(request, lambda: ("page",)) is not None
    request._messages.add(constants.INFO, "You have signed out.")
    assert public_html.key_for(request, lambda: ("page",)) is None
    assert len(get_messages(request)) == 1 and not request._messages.used


def test_a_new_publication_is_a_new_page(client):
    client.get(URL)
    clear_page_cache()
    client.get(URL)
    assert len(public_html._pages) == 2
