"""The tasks of mandates between enterprises reach a database loaded before them (migration
0006 through the loader): new pages published, their choices appended to the profile pages,
an editor's changes kept, a page with unpublished changes keeping the choice in its draft."""

from importlib import import_module

import pytest
from django.urls import reverse

from wizard.content.loader import load_content
from wizard.models import Choice, Page

pytestmark = pytest.mark.django_db
SLUGS = import_module("wizard.migrations.0006_mandate_tasks").SLUGS
PROFILES = {"lr-mandates": "legal-representative", "rae-mandates": "rae",
            "rae-mandates-end": "rae", "gl-mandates-clients": "local-manager"}  # fmt: skip


def _as_before(slugs, *profiles):
    """The database as it was before the tasks `slugs`: their pages and the profile pages'
    choices of them gone."""
    Choice.objects.filter(target__slug__in=slugs).delete()
    Page.objects.filter(slug__in=slugs).delete()
    for page in Page.objects.filter(slug__in=profiles):
        page.published["choices"] = [
            c for c in page.published["choices"] if c["target"] not in slugs
        ]
        page.save(update_fields=["published"])


def _as_before_mandates():
    _as_before(SLUGS, *set(PROFILES.values()))


def test_an_existing_database_gets_the_tasks_on_its_profile_pages():
    _as_before_mandates()
    Page.objects.filter(slug="rae").update(title_fr="RAE modifié")
    loaded = load_content(only=SLUGS)
    assert set(loaded) == SLUGS
    for slug, profile in PROFILES.items():
        page = Page.objects.get(slug=profile)
        assert slug in [c["target"] for c in page.published["choices"]]
        assert page.choices.filter(target__slug=slug).count() == 1
    assert Page.objects.get(slug="rae").title_fr == "RAE modifié"
    assert load_content(only=SLUGS) == []  # idempotent


def test_a_profile_page_with_an_editors_draft_keeps_the_choice_in_the_draft():
    _as_before_mandates()
    Page.objects.filter(slug="rae").update(has_unpublished_changes=True)
    load_content(only=SLUGS)
    rae = Page.objects.get(slug="rae")
    assert rae.choices.filter(target__slug="rae-mandates").exists()
    assert "rae-mandates" not in [c["target"] for c in rae.published["choices"]]
    assert rae.has_unpublished_changes


@pytest.mark.parametrize("slug", sorted(SLUGS))
def test_each_task_renders_and_links_to_the_real_pages(client, slug):
    response = client.get(reverse("wizard:page", kwargs={"slug": slug}))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("mandates:home") in page or reverse("enterprises:mine") in page


def test_the_providers_staff_access_task_reaches_an_existing_database_and_the_clients_page(
    client,
):
    slugs = import_module("wizard.migrations.0008_provider_staff_access_task").SLUGS
    _as_before(slugs, "local-manager")
    assert set(load_content(only=slugs)) == slugs
    gl_page = Page.objects.get(slug="local-manager")
    assert "gl-provider-staff-access" in [c["target"] for c in gl_page.published["choices"]]
    page = Page.objects.get(slug="gl-provider-staff-access")
    for language in ("fr", "nl", "de", "en"):
        assert getattr(page, f"body_{language}")
    response = client.get(reverse("wizard:page", kwargs={"slug": "gl-provider-staff-access"}))
    assert reverse("roles:clients_home") in response.content.decode()


@pytest.mark.parametrize("slug", ["rae-mandates-bulk", "rae-mandates-validate-many"])
def test_the_bulk_mandate_tasks_reach_an_existing_database_and_the_mandates_pages(client, slug):
    slugs = import_module("wizard.migrations.0009_mandate_bulk_tasks").SLUGS
    _as_before(slugs, "rae")
    assert set(load_content(only=slugs)) == slugs
    rae_page = Page.objects.get(slug="rae")
    assert slug in [c["target"] for c in rae_page.published["choices"]]
    page = Page.objects.get(slug=slug)
    for language in ("fr", "nl", "de", "en"):
        assert getattr(page, f"body_{language}")
        assert getattr(page, f"title_{language}")
    response = client.get(reverse("wizard:page", kwargs={"slug": slug}))
    assert response.status_code == 200
    assert reverse("mandates:home") in response.content.decode()
