import pytest
from django.core.management import call_command

from wizard import demo
from wizard.content.pages import PAGES
from wizard.models import Page


@pytest.mark.django_db
def test_the_seed_is_loaded_and_published_on_a_fresh_database():
    assert set(Page.objects.published().values_list("slug", flat=True)) == {
        spec["slug"] for spec in PAGES
    }


@pytest.mark.django_db
def test_load_wizard_is_idempotent_and_keeps_editors_changes():
    Page.objects.filter(slug="contact").update(title_fr="Contact modifié")
    count = Page.objects.count()
    call_command("load_wizard", verbosity=0)
    assert demo.load(password="unused") == []
    assert Page.objects.count() == count
    assert Page.objects.get(slug="contact").title_fr == "Contact modifié"
    call_command("load_wizard", "--overwrite", verbosity=0)
    assert Page.objects.get(slug="contact").title_fr == "Contact"
    assert Page.objects.count() == count
