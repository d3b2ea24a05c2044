"""Nothing shows in another language than the page's: the navigation's registry search,
the footer's contact-centre page, the profile names of the chain."""

import pytest
from django.conf import settings
from django.urls import reverse

from enterprises.tests.conftest import build_chain, signed_in

pytestmark = pytest.mark.django_db

LANGUAGES = ["fr", "nl", "de", "en"]
SEARCH = {
    "fr": "BCE Public Search",
    "nl": "KBO Public Search",
    "de": "ZDU Public Search",
    "en": "CBE Public Search",
}
RAE = {
    "fr": "Responsable Accès Entité (RAE)",
    "nl": "Hoofdtoegangsbeheerder (HTB)",
    "de": "Hauptzugangsverwalter (HZV)",
}


def get(client, path, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    return response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_navigation_names_the_registry_search_in_the_page_s_language(client, language):
    html = get(client, "/", language)
    assert f">{SEARCH[language]}</a>" in html
    others = [SEARCH[other] for other in LANGUAGES if other != language]
    assert not any(f">{name}</a>" in html for name in others)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_footer_links_the_contact_centre_page_of_the_page_s_language(client, language):
    html = get(client, "/", language)
    assert f"socialsecurity.be/site_{language}/general/helpcentre/contact.htm" in html
    assert not any(f"/site_{other}/" in html for other in LANGUAGES if other != language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_wizard_s_contact_link_is_the_page_s_language(client, language):
    html = get(client, reverse("wizard:page", kwargs={"slug": "contact"}), language)
    assert f"/site_{language}/" in html
    assert not any(f"/site_{other}/" in html for other in LANGUAGES if other != language)


def test_an_address_without_a_language_serves_every_language(client, settings):
    settings.CONTACT_CENTRE_URL = "https://contact.example/"
    for language in LANGUAGES:
        assert 'href="https://contact.example/"' in get(client, "/", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_chain_names_profiles_in_the_page_s_language_only(language):
    chain = build_chain()
    # A Dutch-speaking RAE does not make the French page Dutch.
    chain.rae.language = "nl" if language != "nl" else "fr"
    chain.rae.save()
    client = signed_in(chain.rae)
    pages = [
        reverse("enterprises:detail", args=[chain.enterprise.number]),
        reverse("enterprises:mine"),
        reverse("wizard:home"),
        reverse("wizard:page", kwargs={"slug": "profiles"}),
    ]
    for path in pages:
        html = get(client, path, language)
        others = [RAE[other] for other in RAE if other != language]
        assert not any(name in html for name in others), (path, language)
