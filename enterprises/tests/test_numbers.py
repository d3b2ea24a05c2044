"""Enterprise numbers in every common writing, validated with python-stdnum's be.vat."""

import pytest
from django.core.exceptions import ValidationError

from enterprises.importer import is_establishment_number
from enterprises.numbers import normalize_enterprise_number
from enterprises.registry import EnterpriseQuery, parse_enterprise_query
from enterprises.tests.factories import enterprise_number_for

VALID = "0403170701"  # 04031707: 97 - (4031707 mod 97) = 01


@pytest.mark.parametrize(
    "written",
    [
        "0403170701",
        "0403.170.701",
        "BE0403170701",
        "BE 0403 170 701",
        "be0403.170.701",
        "BE 0403.170.701",
        "403170701",  # the nine digits of the old numbering, leading 0 omitted
        " 0403 170 701 ",
    ],
)
def test_every_common_writing_gives_the_ten_digits(written):
    assert normalize_enterprise_number(written) == VALID


@pytest.mark.parametrize(
    "written",
    [
        "0403170702",  # wrong check digits
        "0403170710",
        "0403.170.70",  # too short
        "04031707011",  # too long
        "2145998717",  # an establishment unit, not an enterprise
        "ABCDEFGHIJ",
        "",
    ],
)
def test_wrong_numbers_are_refused_with_a_reason(written):
    with pytest.raises(ValidationError) as exc:
        normalize_enterprise_number(written)
    assert exc.value.code == "invalid_enterprise_number"


def test_check_digits_are_97_minus_the_first_eight_digits_modulo_97():
    for index in (0, 1, 96, 12345):
        number = enterprise_number_for(index)
        first = int(number[:8])
        assert int(number[8:]) == 97 - first % 97
        assert normalize_enterprise_number(number) == number


def test_establishment_numbers_are_recognised():
    assert is_establishment_number("2.145.998.717")
    assert not is_establishment_number("0403.170.701")
    assert not is_establishment_number("2.145")  # not ten digits


@pytest.mark.parametrize(
    "typed",
    ["0403.170.701", "BE0403170701", "BE 0403 170 701", "403170701", "0403-170-701"],
)
def test_the_search_reads_numbers_in_any_writing(typed):
    assert parse_enterprise_query(typed) == EnterpriseQuery(number=VALID)


@pytest.mark.parametrize("typed", ["12345", "0403.170.702", "BE 0403 170 70"])
def test_the_search_refuses_a_malformed_number(typed):
    with pytest.raises(ValidationError):
        parse_enterprise_query(typed)


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("Renard", "Renard"),
        ("  Brouwerij   Peeters ", "Brouwerij Peeters"),
        ("BE Renard", "BE Renard"),
    ],
)
def test_the_search_reads_anything_else_as_a_name(typed, text):
    assert parse_enterprise_query(typed) == EnterpriseQuery(text=text)


def test_the_search_refuses_a_very_long_text():
    with pytest.raises(ValidationError):
        parse_enterprise_query("x" * 101)
