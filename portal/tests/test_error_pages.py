"""The portal's own pages where Django would answer with its developer-facing ones: a form
whose CSRF token no longer matches the session, a request too large or malformed to read,
and the 500 page, each in the person's language."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from portal import views

pytestmark = pytest.mark.django_db


def test_a_form_sent_with_an_outdated_token_gets_the_portals_page():
    user = UserFactory(language="nl")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    response = browser.post(
        reverse("accounts:settings"),
        {"csrfmiddlewaretoken": "x" * 64},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 403
    assert response.templates[0].name == "403_csrf.html"
    html = response.content.decode()
    with translation.override(response.context["LANGUAGE_CODE"]):
        assert translation.gettext("This form has expired") in html
    assert "DEBUG=True" not in html


def test_a_body_too_large_gets_the_portals_page(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:settings"), {f"f{i}": "x" for i in range(50)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bad Request (400)" not in html
    assert translation.gettext("The request could not be read") in html


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_the_error_pages_declare_the_language_they_are_written_in(rf, language):
    with translation.override(language):
        for response in (views.error_500(rf.get("/")), views.error_400(rf.get("/"))):
            html = response.content.decode()
            assert f'<html lang="{language}">' in html


@pytest.mark.parametrize(
    "query",
    [{"status__exact": "\x00"}, {"q": "a\x00b"}, {"o\x00": "1"}],
    ids=["filter", "search", "key"],
)
def test_a_nul_byte_in_the_admins_query_is_refused_before_any_query(client, query):
    response = client.get("/admin/roles/roleattribution/", query)
    assert response.status_code == 400
    assert translation.gettext("The request could not be read") in response.content.decode()


def test_the_admin_without_a_nul_byte_is_unchanged(client):
    assert client.get("/admin/roles/roleattribution/", {"q": "ab"}).status_code == 302  # sign in
