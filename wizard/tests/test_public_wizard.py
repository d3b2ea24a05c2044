"""The public wizard: reachable by following links only, every link resolves, four languages."""

from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.urls import reverse

from wizard.content.pages import PAGES
from wizard.tests.conftest import links_in

ANSWERS = [
    "lr-register",
    "lr-designate-rae",
    "lr-activate-quality",
    "lr-designate-gl",
    "lr-who-is",
    "lr-manage-roles",
    "rae-designate-co-rae",
    "rae-activate-quality",
    "rae-designate-gl",
    "rae-who-is",
    "rae-manage-roles",
    "gl-designate-co-gl",
    "gl-who-is",
    "gl-manage-roles",
    "user-view-roles",
    "user-request-role",
    "user-deactivate-role",
    "user-change-email",
]
PROFILES = ["legal-representative", "rae", "local-manager", "user"]
OTHERS = ["about", "about-links", "profiles", "definitions", "contact"]

KEY_SENTENCES = {
    "lr-designate-rae": (
        "La désignation d'un RAE doit se faire au moment d'enregistrer votre entreprise"
    ),
    "lr-activate-quality": "vous ne pouvez <strong>pas</strong> activer une 'Qualité' directement",
    "lr-designate-gl": "vous ne pouvez <strong>pas</strong> désigner un gestionnaire local",
    "lr-manage-roles": "vous ne pouvez <strong>pas</strong> gérer directement",
    "rae-designate-co-rae": "ne peut pas désigner d'autres co-Responsables Accès Entité",
    "rae-manage-roles": "Elles seront gérées par le Gestionnaire Local.",
    "rae-designate-gl": "<strong>co-Gestionnaire Local</strong> en activant cette 'Qualité'",
    "gl-designate-co-gl": "ne peut pas désigner d'autres co-Gestionnaires Locaux",
    "user-request-role": "vous ne pouvez <strong>pas</strong> faire la demande d'attribution",
    "user-deactivate-role": (
        "Choisissez ensuite l'attribution de rôle que vous souhaitez désactiver."
    ),
    "user-change-email": "Modifiez ensuite l'adresse e-mail",
    "definitions": "compétence de signature au nom de l'entreprise",
    "legal-representative": "l'entreprise doit être enregistrée auprès de la BCE",
}


def crawl(client) -> dict[str, str]:
    """Every wizard page reachable from /wizard/ by following links in the HTML."""
    start = reverse("wizard:home")
    seen: dict[str, str] = {}
    queue = [start]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        seen[url] = html
        for href in links_in(html):
            if href.startswith(start) and href not in seen:
                queue.append(href)
    return seen


@pytest.mark.django_db
def test_every_task_and_answer_is_reachable_from_the_start(client):
    pages = crawl(client)
    for slug in ANSWERS + PROFILES + OTHERS:
        assert reverse("wizard:page", kwargs={"slug": slug}) in pages, slug
    for slug, sentence in KEY_SENTENCES.items():
        html = pages[reverse("wizard:page", kwargs={"slug": slug})]
        assert sentence.replace("'", "&#x27;") in html or sentence in html, slug


@pytest.mark.django_db
def test_every_link_on_every_page_resolves(client):
    pages = crawl(client)
    login = reverse("account_login")
    checked = 0
    for html in pages.values():
        for href in links_in(html):
            parsed = urlparse(href)
            if parsed.scheme:
                assert parsed.scheme == "https" and parsed.netloc, href
                continue
            response = client.get(href)
            assert response.status_code == 200 or (
                response.status_code == 302 and response["Location"].startswith(login)
            ), (href, response.status_code)
            checked += 1
    assert checked > 50


@pytest.mark.django_db
def test_portal_actions_and_contact_centre_are_linked(client, settings):
    # One address for every language (the per-language one is tested in portal/tests).
    settings.CONTACT_CENTRE_URL = "https://contact.example/help"
    html = client.get(reverse("wizard:page", kwargs={"slug": "lr-register"})).content.decode()
    assert f'href="{reverse("enterprises:register")}"' in html
    html = client.get(reverse("wizard:page", kwargs={"slug": "user-change-email"})).content.decode()
    assert f'href="{reverse("roles:profile_email")}"' in html
    html = client.get(
        reverse("wizard:page", kwargs={"slug": "legal-representative"})
    ).content.decode()
    assert f'href="{reverse("enterprises:search")}"' in html
    html = client.get(reverse("wizard:page", kwargs={"slug": "contact"})).content.decode()
    assert f'href="{settings.CONTACT_CENTRE_URL}" rel="external noopener"' in html
    assert 'class="visually-hidden"> (external site)' in html or "visually-hidden" in html


@pytest.mark.django_db
def test_navigation_has_home_back_and_definitions(client):
    html = client.get(reverse("wizard:page", kwargs={"slug": "rae-who-is"})).content.decode()
    assert 'class="wizard-home"' in html
    assert f'href="{reverse("wizard:page", kwargs={"slug": "rae"})}" class="wizard-back"' in html
    assert 'class="wizard-definitions"' in html
    assert html.count("<h1") == 1
    assert '<nav class="wizard-titlebar" aria-label="' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fr", "vous ne pouvez <strong>pas</strong> faire la demande"),
        ("nl", "Als gebruiker kunt u een rollentoekenning <strong>niet</strong> zelf aanvragen"),
        ("de", "Als Benutzer können Sie eine Rollenzuweisung <strong>nicht</strong> selbst"),
        ("en", "As a user, you <strong>cannot</strong> request a role attribution yourself"),
    ],
)
def test_the_four_languages_render(client, language, sentence):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("wizard:page", kwargs={"slug": "user-request-role"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert sentence in html


@pytest.mark.django_db
def test_every_seed_page_has_all_four_languages():
    for spec in PAGES:
        for field in ("title", "body", "footer"):
            if field in spec:
                assert set(spec[field]) == {"fr", "nl", "de", "en"}, (spec["slug"], field)
                assert all(spec[field].values()), (spec["slug"], field)


@pytest.mark.django_db
def test_unknown_page_is_404(client):
    assert client.get(reverse("wizard:page", kwargs={"slug": "nope"})).status_code == 404


@pytest.mark.django_db
def test_help_slug_is_the_page_own_slug(client):
    response = client.get(reverse("wizard:page", kwargs={"slug": "gl-who-is"}))
    assert response.context["help_slug"] == "gl-who-is"


@pytest.mark.django_db
def test_home_slug_redirects_to_the_wizard_root(client):
    response = client.get(reverse("wizard:page", kwargs={"slug": "home"}))
    assert response.status_code == 301
    assert response["Location"] == reverse("wizard:home")


@pytest.mark.django_db
def test_a_page_renders_in_few_queries_then_none_from_cache(
    client, django_assert_max_num_queries, django_assert_num_queries
):
    url = reverse("wizard:page", kwargs={"slug": "lr-manage-roles"})
    with django_assert_max_num_queries(1):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200
    assert "vous ne pouvez <strong>pas</strong> gérer" in response.content.decode()
