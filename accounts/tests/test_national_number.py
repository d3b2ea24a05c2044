import pytest
from django.core.exceptions import ValidationError

from accounts.forms import NationalNumberField
from accounts.validators import format_national_number, normalize_national_number


@pytest.mark.parametrize(
    "value", ["85073003328", "85.07.30-033.28", "85 07 30 033 28", "85073003328 "]
)
def test_it_accepts_every_common_writing(value):
    assert normalize_national_number(value) == "85073003328"


@pytest.mark.parametrize("value", ["85073003329", "8507300332", "abcdefghijk", "", "850730033288"])
def test_it_refuses_wrong_check_digits_and_lengths(value):
    with pytest.raises(ValidationError) as error:
        normalize_national_number(value)
    assert error.value.code == "invalid_national_number"


def test_people_born_from_2000_use_the_2_prefix_in_the_check():
    assert normalize_national_number("01010112369") == "01010112369"


def test_it_formats_for_display():
    assert format_national_number("85073003328") == "85.07.30-033.28"


def test_the_form_field_normalises_and_allows_empty():
    field = NationalNumberField(required=False)
    assert field.clean("85.07.30-033.28") == "85073003328"
    assert field.clean("") == ""
