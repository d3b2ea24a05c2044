"""The names of the juridical forms (KBO code.csv): the language fallback and the admin."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.tests.factories import UserFactory
from enterprises.models import JuridicalForm
from enterprises.tests.factories import EnterpriseFactory
from tests.personas import signed_in

pytestmark = pytest.mark.django_db


def srl(**labels) -> JuridicalForm:
    return JuridicalForm(code="610", **labels)


@pytest.mark.parametrize(
    ("language", "labels", "expected"),
    [
        ("nl", {"label_fr": "Société", "label_nl": "Vennootschap"}, "Vennootschap"),
        ("de", {"label_fr": "Société", "label_nl": "Vennootschap"}, "Société"),  # then French
        ("en", {"label_nl": "Vennootschap", "label_de": "Gesellschaft"}, "Vennootschap"),  # Dutch
        ("de", {"label_en": "Company"}, "610"),  # neither French nor Dutch: the code
        ("fr", {}, "610"),
        ("nl-be", {"label_fr": "Société", "label_nl": "Vennootschap"}, "Vennootschap"),
    ],
)
def test_the_label_is_the_active_language_s_then_french_then_dutch_then_the_code(
    language, labels, expected
):
    with translation.override(language):
        assert srl(**labels).label == expected


def test_str_shows_the_code_and_the_label():
    with translation.override("fr"):
        assert str(srl(label_fr="Société à responsabilité limitée")) == (
            "610 – Société à responsabilité limitée"
        )
        assert str(srl()) == "610"


def test_labels_of_a_queryset_are_read_in_one_query(django_assert_num_queries):
    JuridicalForm.objects.create(code="610", label_fr="SRL", label_nl="BV")
    JuridicalForm.objects.create(code="014", label_fr="SA", label_nl="NV")

    with translation.override("nl"), django_assert_num_queries(1):
        labels = JuridicalForm.objects.filter(code__in=["610", "014", "999"]).labels()

    assert labels == {"610": "BV", "014": "NV"}


def test_the_admin_lists_and_searches_them_without_editing():
    JuridicalForm.objects.create(code="610", label_fr="Société à responsabilité limitée")
    JuridicalForm.objects.create(code="014", label_fr="Société anonyme")
    admin = UserFactory(is_staff=True, is_superuser=True, national_number=None)
    client = signed_in(admin)
    url = reverse("admin:enterprises_juridicalform_changelist")

    response = client.get(url, {"q": "anonyme"})

    assert response.status_code == 200
    assert "Société anonyme" in response.text
    assert "Société à responsabilité limitée" not in response.text
    assert client.get(reverse("admin:enterprises_juridicalform_add")).status_code == 403


def test_a_label_is_escaped_on_the_search_page(client):
    payload = '<script>alert("610")</script>'
    JuridicalForm.objects.create(code="610", label_fr=payload)
    EnterpriseFactory(name="Boulangerie Renard SRL", juridical_form="610")

    response = client.get(reverse("enterprises:search"), {"q": "renard"})

    assert payload not in response.text
    assert escape(payload) in response.text
