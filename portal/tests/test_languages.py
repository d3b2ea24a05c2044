"""The portal's languages come from settings.LANGUAGES, its default from LANGUAGE_CODE.

A fifth language is one line in settings plus its catalogue: every choice of a language the
portal offers reads the settings when it is shown, and no module lists languages of its own.
What modeltranslation fixes at import (a column per language on the translated models, see
wizard/translation.py) is the one exception, and needs its migration.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from accounts.forms import AccountSettingsForm, SignupForm
from accounts.models import User
from accounts.tests.factories import UserFactory
from enterprises.forms import CoRaeForm, DesignationForm
from enterprises.models import Designation
from portal.languages import default_language, language_choices
from roles.models import Invitation

ITALIAN = ("it", "Italiano")
FIVE_LANGUAGES = [*settings.LANGUAGES, ITALIAN]

ROOT = Path(settings.BASE_DIR)
APPS = ("accounts", "enterprises", "portal", "roles", "wizard")
# Where a language code is data rather than a list of the portal's languages: the demo
# personas' own languages, the seed's four translations, the registry's label columns.
ALLOWED = {
    "portal/settings.py": None,  # the one list
    "accounts/demo.py": None,
    "roles/demo.py": None,
    "wizard/content/pages.py": None,
    "enterprises/models.py": {"LABEL_FIELDS", "REGISTRY_COMPLETE_LANGUAGES"},
}


def _choice_codes(choices) -> list[str]:
    return [code for code, _label in choices]


def _language_literals(path: Path, allowed_names: set[str] | None) -> list[str]:
    codes = {code for code, _name in settings.LANGUAGES}
    tree = ast.parse(path.read_text(), filename=str(path))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if allowed_names and any(
                isinstance(t, ast.Name) and t.id in allowed_names for t in targets
            ):
                skipped.update(id(child) for child in ast.walk(node))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.lower() in codes
        and id(node) not in skipped
    ]


def test_no_module_lists_languages_of_its_own():
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or "/tests/" in relative:
                continue  # migrations are history; tests name the languages they test
            if relative in ALLOWED and ALLOWED[relative] is None:
                continue
            found += _language_literals(path, ALLOWED.get(relative))
    assert found == [], "read settings.LANGUAGES / portal.languages instead"


@override_settings(LANGUAGES=FIVE_LANGUAGES)
def test_a_fifth_language_in_settings_is_offered_by_every_language_choice(db):
    user = UserFactory()
    assert ITALIAN in language_choices()
    # Sign-up and the profile's preferred language.
    assert "it" in _choice_codes(SignupForm().fields["language"].choices)
    assert "it" in _choice_codes(AccountSettingsForm(instance=user).fields["language"].choices)
    # The e-mail language of a designation (the invitation form has none: an invitation goes
    # out in the invited account's language, else the inviting manager's).
    assert "it" in _choice_codes(DesignationForm(actor=user).fields["language"].choices)
    assert "it" in _choice_codes(CoRaeForm().fields["language"].choices)
    # The models accept it (services call full_clean) and the admin offers it.
    for model in (User, Designation, Invitation):
        language = model._meta.get_field("language")
        assert "it" in _choice_codes(language.choices), model
        language.validate("it", None)


@override_settings(LANGUAGES=FIVE_LANGUAGES)
@pytest.mark.parametrize(
    "url_name",
    ["account_signup", "home", "accounts:settings"],
)
def test_the_pages_offer_the_fifth_language(client, db, url_name):
    user = UserFactory()
    if url_name != "account_signup":
        client.force_login(user)
    html = client.get(reverse(url_name)).content.decode()
    # The language switcher of the header, on every page; the forms' own select too.
    assert '<option value="it" lang="it">Italiano</option>' in html
    if url_name != "home":
        assert '<option value="it">Italiano</option>' in html


@override_settings(LANGUAGES=FIVE_LANGUAGES)
def test_the_language_switcher_switches_to_the_fifth_language(client, db):
    response = client.post(reverse("set_language"), {"language": "it", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "it"


@override_settings(LANGUAGE_CODE="nl")
def test_the_default_language_is_language_code(db):
    assert default_language() == "nl"
    assert User(email="a@example.test").language == "nl"
    assert Designation().language == "nl"
    assert Invitation().language == "nl"
    assert "nl" in _choice_codes(SignupForm().fields["language"].choices)


def test_every_language_code_fits_the_language_fields():
    # The fields are two characters wide: a language such as "pt-br" needs them widened.
    for model in (User, Designation, Invitation):
        width = model._meta.get_field("language").max_length
        assert all(len(code) <= width for code, _name in settings.LANGUAGES)
