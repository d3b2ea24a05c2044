"""Journeys 5 and 6: a visitor walks the wizard; an editor changes, previews and publishes."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from portal.groups import WIZARD_EDITORS
from tests.browser.conftest import run_axe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fr", "Connectez-vous sur le portail de la Sécurité sociale"),
        ("nl", "Meld u aan"),
    ],
)
def test_a_visitor_walks_from_home_to_an_answer_and_back(page, language, sentence):
    page.goto("/wizard/")
    if language != "fr":
        page.locator("#language-select").select_option(language)
        page.locator("form.language button").click()
    assert page.locator("html").get_attribute("lang") == language
    home_title = page.locator("h1").inner_text()
    assert not run_axe(page)

    # Home → "Je suis un …" → the RAE's tasks → an answer, following visible links only.
    page.locator(".wizard-choices a").last.click()  # "Démarrer le wizard"
    page.locator(".wizard-choices a.wizard-profile").nth(1).click()  # RAE
    tasks_title = page.locator("h1").inner_text()
    page.locator(".wizard-choices a.wizard-task").nth(1).click()  # activate a quality
    assert sentence in page.locator("main").inner_text()
    assert not run_axe(page)

    # Back goes up the tree, then home.
    page.locator("a.wizard-back").click()
    assert page.locator("h1").inner_text() == tasks_title
    page.locator("a.wizard-home").click()
    assert page.locator("h1").inner_text() == home_title


def test_an_editor_changes_previews_and_publishes_an_answer(page, browser, live_server):
    editor = UserFactory(password="correct-horse-battery", is_staff=True)
    editor.groups.add(Group.objects.get(name=WIZARD_EDITORS))
    page.goto("/wizard/user-request-role/")
    assert "Nouvelle phrase publiée" not in page.locator("main").inner_text()

    sign_in(page, editor.email, "correct-horse-battery")
    page.goto("/admin/wizard/page/?q=user-request-role")
    page.locator("#result_list tbody a").first.click()
    body = page.locator("textarea[name=body_fr]")
    body.fill(body.input_value() + "\n\nNouvelle phrase publiée par l'équipe éditoriale.")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    # Saved as a draft: the public page does not change yet; the preview shows it.
    with page.expect_popup() as popup:
        page.get_by_text("Preview the draft").or_(page.get_by_text("Prévisualiser")).first.click()
    preview = popup.value
    preview.wait_for_load_state()
    assert "Nouvelle phrase publiée" in preview.locator("main").inner_text()
    preview.close()
    visitor = browser.new_context(base_url=live_server.url, locale="fr-BE").new_page()
    visitor.goto("/wizard/user-request-role/")
    assert "Nouvelle phrase publiée" not in visitor.locator("main").inner_text()

    page.locator("form[action$='/publish/'] button").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    visitor.goto("/wizard/user-request-role/")
    assert "Nouvelle phrase publiée" in visitor.locator("main").inner_text()
    visitor.context.close()
