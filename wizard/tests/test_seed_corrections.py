"""The seed's typos are corrected in the content and in databases loaded before."""

import importlib

import pytest
from django.apps import apps

from wizard.content.pages import PAGES
from wizard.models import Choice, Page

migration = importlib.import_module("wizard.migrations.0003_seed_corrections")


def _all_text(value) -> str:
    if isinstance(value, dict):
        return "\n".join(_all_text(item) for item in value.values())
    if isinstance(value, list | tuple):
        return "\n".join(_all_text(item) for item in value)
    return value if isinstance(value, str) else ""


def test_the_content_holds_every_correction_and_no_typo():
    text = _all_text(PAGES)
    for old, new in migration.CORRECTIONS:
        assert old not in text, old
        assert new in text, new


def test_the_wizard_promises_a_link_not_access_codes():
    text = _all_text(PAGES)
    for promise in ("codes d'accès", "toegangscodes", "Zugangscodes", "access codes"):
        assert promise not in text


@pytest.mark.django_db
def test_a_database_loaded_before_is_corrected_and_an_editors_words_are_kept():
    typo, fixed = migration.CORRECTIONS[0]
    page = Page.objects.create(
        slug="old-seed",
        title="Titre",
        title_fr="Titre",
        footer_fr=f"Pour chacune des actions suivantes, {typo}",
        body_fr="Un texte réécrit par un éditeur.",
        published={"footer": {"fr": f"Avant : {typo}"}, "choices": [{"label": {"fr": typo}}]},
    )
    choice = Choice.objects.create(
        page=page, target=page, label_fr="gérer les attributions de rôles des utilisateurs"
    )

    migration.correct(apps, None)

    page.refresh_from_db()
    choice.refresh_from_db()
    assert page.footer_fr == f"Pour chacune des actions suivantes, {fixed}"
    assert page.body_fr == "Un texte réécrit par un éditeur."
    assert page.published == {
        "footer": {"fr": f"Avant : {fixed}"},
        "choices": [{"label": {"fr": fixed}}],
    }
    assert choice.label_fr == "gérer les attributions de rôle des utilisateurs"
