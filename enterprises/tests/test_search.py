"""The public "BCE Public Search" page: by number in any writing, by name, paginated."""

import pytest
from django.urls import reverse

from enterprises.models import Enterprise, JuridicalForm
from enterprises.tests.factories import EnterpriseFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

URL = reverse("enterprises:search")


@pytest.fixture
def renard():
    return EnterpriseFactory(
        number="0403170701",
        name="Boulangerie Renard SRL",
        commercial_name="Pains Renard",
        juridical_form="610",
        street="Rue des Bouchers",
        house_number="12",
        zipcode="1000",
        municipality="Bruxelles",
    )


@pytest.fixture
def cafe():
    return EnterpriseFactory(name="Café des Arts SRL", status=Enterprise.Status.STOPPED)


@pytest.fixture
def srl():
    return JuridicalForm.objects.create(
        code="610",
        label_fr="Société à responsabilité limitée",
        label_nl="Besloten vennootschap",
        label_de="Gesellschaft mit beschränkter Haftung",
        label_en="Private limited company",
    )


def names(response) -> list[str]:
    return [e.name for e in response.context["page"].object_list]


def form_cells(response) -> list[str]:
    """The "Juridical form" cell (third column) of every result row."""
    rows = response.text.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:-1]
    return [row.split("<td>")[2].split("</td>")[0] for row in rows]


def test_it_is_public_and_points_to_the_registration_help(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["help_slug"] == "lr-register"
    assert response.context["page"] is None  # nothing searched yet
    assert "BCE Public Search" in response.text


@pytest.mark.parametrize(
    "typed",
    [
        "0403.170.701",
        "0403170701",
        "BE0403170701",
        "BE 0403 170 701",
        "be0403.170.701",
        "403170701",
    ],
)
def test_it_finds_an_enterprise_by_number_in_any_writing(client, renard, cafe, typed):
    response = client.get(URL, {"q": typed})

    assert names(response) == ["Boulangerie Renard SRL"]
    assert "0403.170.701" in response.text


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("renard", ["Boulangerie Renard SRL"]),
        ("BOULANGERIE renard", ["Boulangerie Renard SRL"]),
        ("pains", ["Boulangerie Renard SRL"]),  # the commercial name
        ("cafe des", ["Café des Arts SRL"]),  # without the accent
        ("CAFÉ", ["Café des Arts SRL"]),  # upper-case accented letter
        ("SRL", ["Boulangerie Renard SRL", "Café des Arts SRL"]),
        ("Bäckerei", []),
    ],
)
def test_it_finds_enterprises_by_part_of_their_name(client, renard, cafe, typed, found):
    response = client.get(URL, {"q": typed})

    assert response.status_code == 200
    assert names(response) == found


def test_accents_typed_find_names_written_without(client):
    EnterpriseFactory(name="Brulerie Gerard SA")

    response = client.get(URL, {"q": "brûlerie gérard"})

    assert names(response) == ["Brulerie Gerard SA"]


def test_regular_expression_characters_are_taken_literally(client):
    EnterpriseFactory(name="A.B.C. (Belgium) SA")
    EnterpriseFactory(name="AXBXC Belgium SA")

    response = client.get(URL, {"q": "A.B.C. (Bel"})

    assert names(response) == ["A.B.C. (Belgium) SA"]


def test_it_shows_status_form_address_and_whether_registered(client, renard, cafe):
    RegistrationFactory(enterprise=renard)

    response = client.get(URL, {"q": "SRL"})

    rows = response.text.split("<tbody>")[1].split("</tr>")
    assert "Boulangerie Renard SRL" in rows[0]
    assert "Rue des Bouchers 12, 1000 Bruxelles" in rows[0]
    assert "610" in rows[0]
    assert 'class="badge active"' in rows[0]
    assert 'class="badge accepted"' in rows[0]  # registered on the portal
    assert "Café des Arts SRL" in rows[1]
    assert 'class="badge ended"' in rows[1]  # stopped
    assert 'class="badge accepted"' not in rows[1]  # not registered


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("fr", "Société à responsabilité limitée"),
        ("nl", "Besloten vennootschap"),
        ("de", "Gesellschaft mit beschränkter Haftung"),
        ("en", "Private limited company"),
    ],
)
def test_the_juridical_form_is_named_in_the_reader_s_language(client, renard, srl, language, shown):
    client.cookies["portal_language"] = language

    response = client.get(URL, {"q": "renard"})

    assert form_cells(response) == [shown]


def test_a_form_without_a_name_in_the_reader_s_language_is_named_in_french_then_dutch(
    client, renard
):
    JuridicalForm.objects.create(code="610", label_fr="Société à responsabilité limitée")
    JuridicalForm.objects.create(code="014", label_nl="Naamloze vennootschap")
    EnterpriseFactory(name="Renard Holding SA", juridical_form="014")
    client.cookies["portal_language"] = "de"

    response = client.get(URL, {"q": "renard"})

    assert form_cells(response) == ["Société à responsabilité limitée", "Naamloze vennootschap"]


def test_an_unknown_form_shows_its_code_and_no_form_a_dash(client, renard, srl):
    EnterpriseFactory(name="Renard Import SC", juridical_form="706")  # no name for 706
    EnterpriseFactory(name="Renard Lucie", juridical_form="")  # a natural person

    response = client.get(URL, {"q": "renard"})

    assert form_cells(response) == ["Société à responsabilité limitée", "706", "—"]


@pytest.mark.parametrize("typed", ["0403.170.702", "12345", "BE 0403 170 70", "x" * 101])
def test_malformed_input_gives_a_clear_message_and_no_results(client, renard, typed):
    response = client.get(URL, {"q": typed})

    assert response.status_code == 200
    assert response.context["page"] is None
    assert response.context["form"].errors["q"]
    assert 'aria-invalid="true"' in response.text


def test_an_unknown_but_valid_number_finds_nothing(client, renard):
    client.cookies["portal_language"] = "en"  # the assertions read the English source text
    response = client.get(URL, {"q": "0456.789.430"})

    assert names(response) == []
    assert "No enterprise matches your search." in response.text


def test_results_are_paginated_by_25_and_links_keep_the_query(client):
    client.cookies["portal_language"] = "en"  # the assertions read the English source text
    for index in range(30):
        EnterpriseFactory(name=f"Garage {index:02d} SRL")

    first = client.get(URL, {"q": "garage"})
    second = client.get(URL, {"q": "garage", "page": "2"})

    assert len(names(first)) == 25
    assert names(first)[0] == "Garage 00 SRL"
    assert names(second) == [f"Garage {index} SRL" for index in range(25, 30)]
    assert "?q=garage&amp;page=2" in first.text
    assert "Page 1 of 2" in first.text


@pytest.mark.parametrize("page", ["abc", "0", "99", "-1"])
def test_a_wrong_page_number_never_fails(client, renard, page):
    response = client.get(URL, {"q": "renard", "page": page})

    assert response.status_code == 200
    assert names(response) == ["Boulangerie Renard SRL"]


def test_the_number_of_queries_does_not_grow_with_the_results(
    client, django_assert_max_num_queries
):
    codes = ["014", "610", "706", "017", "999"]  # 999: no name, shown as its code
    for code in codes[:4]:
        JuridicalForm.objects.create(code=code, label_fr=f"Forme {code}")
    for index in range(3):
        RegistrationFactory(enterprise=EnterpriseFactory(name=f"Imprimerie {index} SA"))
    # The count, the page (with the registrations) and the names of its juridical forms.
    with django_assert_max_num_queries(3) as few:
        client.get(URL, {"q": "imprimerie"})
    for index in range(3, 25):
        enterprise = EnterpriseFactory(
            name=f"Imprimerie {index} SA", juridical_form=codes[index % 5]
        )
        RegistrationFactory(enterprise=enterprise)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"q": "imprimerie"})

    assert len(names(response)) == 25
    assert response.text.count('class="badge accepted"') == 25
    assert set(form_cells(response)) == {"Forme 014", "Forme 610", "Forme 706", "Forme 017", "999"}


def test_only_reading_is_allowed(client):
    assert client.post(URL, {"q": "renard"}).status_code == 405


def test_the_message_quotes_the_number_as_it_was_typed(client):
    response = client.get(URL, {"q": "BE 0403.170.702"})

    assert "BE 0403.170.702" in str(response.context["form"].errors["q"])
