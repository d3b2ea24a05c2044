"""allauth's e-mails are the portal's: its name, its layout, the person's language.

Each template allauth sends is rendered through the account adapter, as allauth does, for a
person whose preferred language is Dutch or German; two real flows (sign-up, password reset)
prove the adapter is the one allauth calls.
"""

import re
from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.core.context import request_context
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-Passphrase-2026"
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"

# Every e-mail allauth ships (account, MFA, identity provider), found in its templates: a new
# one in a later allauth version is tested too.
PREFIXES = sorted(
    str(path.relative_to(ALLAUTH_TEMPLATES)).removesuffix("_subject.txt")
    for path in ALLAUTH_TEMPLATES.glob("*/email/*_subject.txt")
)

# A word of the portal's own text in each language, which allauth's catalogue never has.
SENT_BY = {
    "nl": "Dit bericht werd verstuurd door",
    "de": "Diese E-Mail wurde von",
    "fr": "Cet e-mail vous a été envoyé par",
    "en": "This e-mail was sent by",
}


def portal_name(language: str) -> str:
    with translation.override(language):
        return str(settings.PORTAL_NAME)


def context_for(user) -> dict:
    return {
        "user": user,
        "email": user.email,
        "code": "ABC123",
        "activate_url": f"{settings.SITE_URL}/accounts/confirm-email/key/",
        "password_reset_url": f"{settings.SITE_URL}/accounts/password/reset/key/x-y/",
        "signup_url": f"{settings.SITE_URL}/accounts/signup/",
        "from_email": "old@example.test",
        "to_email": user.email,
        "deleted_email": "old@example.test",
        "provider": "eID",
        "ip": "192.0.2.1",
        "user_agent": "Firefox",
        "timestamp": timezone.now(),
    }


def assert_branded(message, language: str) -> None:
    name = portal_name(language)
    html = message.alternatives[0][0]
    assert name in message.subject
    assert name in message.body and SENT_BY[language] in message.body
    assert settings.SITE_URL in message.body
    assert f'<html lang="{language}">' in html and SENT_BY[language] in html
    for text in (message.subject, message.body, html):
        assert "c'est" not in text and "Hello from" not in text
        assert "example.com" not in text


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("language", ["nl", "de"])
def test_every_allauth_e_mail_is_the_portal_s_in_the_person_s_language(prefix, language):
    assert PREFIXES, "no allauth e-mail found"
    user = UserFactory(language=language, first_name="Anna")
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="fr")
    request.user = AnonymousUser()
    mail.outbox.clear()
    with request_context(request), translation.override("fr"):  # a French page
        get_adapter(request).send_mail(prefix, user.email, context_for(user))
    [message] = mail.outbox
    assert_branded(message, language)
    assert "Anna" in message.body


@pytest.mark.parametrize("language", ["nl", "de"])
def test_an_e_mail_to_an_unknown_address_is_in_the_page_s_language(client, language):
    client.post(
        "/accounts/password/reset/",
        {"email": "nobody@example.test"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    [message] = mail.outbox
    assert message.to == ["nobody@example.test"]
    assert_branded(message, language)


@pytest.mark.parametrize("language", ["nl", "de"])
def test_the_sign_up_confirmation_is_branded_in_the_chosen_language(client, language):
    client.post(
        "/accounts/signup/",
        {
            "first_name": "Nora",
            "last_name": "Vermeulen",
            "language": language,
            "email": "nora@example.test",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    [message] = mail.outbox
    assert_branded(message, language)
    assert re.search(r"/accounts/confirm-email/\S+/", message.body)
    assert "Nora" in message.body


@pytest.mark.parametrize("language", ["nl", "de"])
def test_a_password_reset_reaches_the_person_in_their_language(client, language):
    user = UserFactory(language=language)
    client.post("/accounts/password/reset/", {"email": user.email}, HTTP_ACCEPT_LANGUAGE="fr")
    [message] = mail.outbox
    assert_branded(message, language)
    assert "/accounts/password/reset/key/" in message.body
