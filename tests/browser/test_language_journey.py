"""The language journey: a person whose browser speaks Dutch (or French) signs up, reads the
confirmation e-mail and the portal in that language, without choosing it anywhere."""

import re

import pytest
from django.core import mail
from django.utils import translation

from accounts.models import User
from tests.browser.conftest import link_in_mail, run_axe

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-pass-phrase-42"
SEARCH = {"fr": "BCE Public Search", "nl": "KBO Public Search"}
SENT_BY = {"fr": "Cet e-mail vous a été envoyé par", "nl": "Dit bericht werd verstuurd door"}
SIGN_UP = {"fr": "Inscription", "nl": "Registreren"}


def assert_page_in(page, language: str) -> None:
    """The page, its header and its footer are in `language`; axe finds nothing serious."""
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("header").get_by_role("link", name=SEARCH[language]).count() == 1
    contact = page.locator("footer a[rel~=external]").first.get_attribute("href")
    assert f"/site_{language}/" in contact, contact
    assert not run_axe(page)


@pytest.mark.parametrize(("locale", "language"), [("fr-BE", "fr"), ("nl-BE", "nl")])
def test_a_person_signs_up_and_reads_everything_in_the_browser_s_language(
    open_page, settings, locale, language
):
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"  # the live server has no TLS
    page = open_page(locale)
    page.goto("/")
    assert_page_in(page, language)

    page.goto("/accounts/signup/")
    assert_page_in(page, language)
    # Nothing chosen: the preferred language proposed is the browser's.
    assert page.locator("main select[name=language]").input_value() == language
    page.locator("input[name=first_name]").fill("Noor")
    page.locator("input[name=last_name]").fill("Claes")
    page.locator("input[name=email]").fill("noor@example.test")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/accounts/confirm-email/" in page.url
    assert_page_in(page, language)
    assert User.objects.get(email="noor@example.test").language == language

    # The confirmation e-mail is the portal's, in her language.
    [message] = [m for m in mail.outbox if m.to == ["noor@example.test"]]
    with translation.override(language):
        name = str(settings.PORTAL_NAME)
    assert name in message.subject
    assert message.body.startswith(("Bonjour Noor,", "Goedendag Noor,", "Beste Noor,"))
    assert SENT_BY[language] in message.body
    assert "c'est" not in message.body and not re.search(r"\d+\.\d+\.\d+\.\d+:\d+ !", message.body)
    assert f'<html lang="{language}">' in message.alternatives[0][0]

    page.goto(link_in_mail("noor@example.test", "/accounts/confirm-email/"))
    assert_page_in(page, language)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    # Confirmed and signed in: the portal still speaks her language.
    assert "/accounts/" not in page.url or "confirm-email" not in page.url
    assert_page_in(page, language)
    page.goto("/account/settings/")
    assert_page_in(page, language)
    assert page.locator("main select[name=language]").input_value() == language
