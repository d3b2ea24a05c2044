"""The sign-up form proposes the language the person reads the portal in; a person's saved
preference stays theirs."""

import re

import pytest
from django.conf import settings

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-Passphrase-2026"


def proposed_language(response) -> str:
    assert response.status_code == 200
    select = re.search(r'<select name="language"[^>]*>.*?</select>', response.text, re.S)
    return re.search(r'<option value="(\w+)" selected>', select.group(0)).group(1)


@pytest.mark.parametrize("language", ["nl", "de"])
def test_sign_up_proposes_the_browser_s_language(client, language):
    response = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE=f"{language}-BE")
    assert response.headers["Content-Language"] == language
    assert proposed_language(response) == language


@pytest.mark.parametrize("language", ["nl", "de"])
def test_sign_up_proposes_the_language_chosen_in_the_header(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert proposed_language(client.get("/accounts/signup/")) == language


def test_a_french_browser_still_gets_french(client):
    assert proposed_language(client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="fr")) == "fr"


@pytest.mark.parametrize("language", ["nl", "de"])
def test_an_account_made_without_the_form_takes_the_reader_s_language(language):
    # The identity provider's sign-up has no language field: the model's default follows
    # the active language too.
    from django.utils import translation

    from accounts.models import User

    with translation.override(language):
        user = User.objects.create_user(email=f"{language}@example.test", password=PASSWORD)
    assert user.language == language


def test_outside_a_request_the_default_is_the_portal_s(db):
    from django.utils import translation

    from portal.languages import default_language

    with translation.override(None):
        assert default_language() == settings.LANGUAGE_CODE
    with translation.override("nl-be"):
        assert default_language() == "nl"


@pytest.mark.parametrize("language", ["nl", "de"])
def test_the_settings_keep_the_person_s_saved_preference(client, language):
    user = UserFactory(language="en")
    client.force_login(user)
    response = client.get("/account/settings/", HTTP_ACCEPT_LANGUAGE=language)
    assert proposed_language(response) == "en"
