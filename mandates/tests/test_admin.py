"""Application groups are edited in the admin like the catalogue (names in every language,
applications, quarters, qualities of the mandatary); mandates are only read there."""

import pytest
from django.urls import reverse

from mandates.models import ClientMandate
from roles.models import Application, ApplicationGroup
from tests.personas import make_superuser, signed_in

pytestmark = pytest.mark.django_db


def test_a_group_is_edited_in_the_admin_in_every_language():
    group = ApplicationGroup.objects.get(code="ebox")
    admin = signed_in(make_superuser())
    url = reverse("admin:roles_applicationgroup_change", args=[group.pk])
    page = admin.get(url)
    assert page.status_code == 200
    for field in ("name_fr", "name_nl", "name_de", "name_en", "quarterly", "mandatary_qualities"):
        assert f'name="{field}"' in page.content.decode()
    data = {
        "code": "ebox",
        "name_fr": "e-Box",
        "name_nl": "e-Box",
        "name_de": "e-Box",
        "name_en": "e-Box (edited)",
        "description_fr": "",
        "description_nl": "",
        "description_de": "",
        "description_en": "",
        "applications": [a.pk for a in Application.objects.filter(code="ebox-enterprise")],
        "quarterly": "on",
        "mandatary_qualities": list(group.mandatary_qualities.values_list("pk", flat=True)),
        "position": "5",
        "is_available": "on",
    }
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    group.refresh_from_db()
    assert group.name_en == "e-Box (edited)" and group.quarterly


def test_the_seeded_groups():
    declarations = ApplicationGroup.objects.get(code="social-security-declarations")
    assert declarations.quarterly
    assert set(declarations.applications.values_list("code", flat=True)) == {
        "dimona", "dmfa", "drs", "temporary-unemployment"
    }  # fmt: skip
    assert set(declarations.mandatary_qualities.values_list("code", flat=True)) == {
        "social-secretariat", "service-provider"
    }  # fmt: skip
    assert not ApplicationGroup.objects.get(code="ebox").quarterly
    assert {declarations.name_fr, declarations.name_nl, declarations.name_de} == {
        "Déclarations de sécurité sociale", "Socialezekerheidsaangiften",
        "Sozialversicherungsmeldungen",
    }  # fmt: skip


def test_mandates_are_read_only_in_the_admin():
    admin = signed_in(make_superuser())
    assert admin.get(reverse("admin:mandates_clientmandate_changelist")).status_code == 200
    assert admin.get(reverse("admin:mandates_clientmandate_add")).status_code == 403
    assert ClientMandate.objects.count() == 0
