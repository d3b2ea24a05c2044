"""A form's address opened on its own: the portal's page for people, the bare 405 for APIs."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# A POST-only address (a form's action): its method is checked before anything is read.
FORM_ACTION = reverse("enterprises:resend", args=["0403170701", 1])


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", "This page opens from a form"),
        ("fr", "Cette page s’ouvre depuis un formulaire"),
    ],
)
def test_a_browser_gets_the_explained_page_in_its_language(client, language, title):
    client.force_login(UserFactory())
    with translation.override(language):
        response = client.get(
            FORM_ACTION, HTTP_ACCEPT="text/html,*/*;q=0.8", HTTP_ACCEPT_LANGUAGE=language
        )
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    page = response.content.decode()
    assert title in page
    assert 'href="/"' in page or f'href="{reverse("home")}"' in page


def test_an_application_keeps_the_bare_status(client):
    client.force_login(UserFactory())
    response = client.get(FORM_ACTION, HTTP_ACCEPT="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.content == b""
