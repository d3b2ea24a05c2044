from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.be import nn


def normalize_national_number(value: str) -> str:
    """The 11 digits of a Belgian national number, or ValidationError."""
    try:
        return nn.validate(value)
    except Exception:
        raise ValidationError(
            _("“%(value)s” is not a valid Belgian national number (11 digits, check digits)."),
            code="invalid_national_number",
            params={"value": value},
        ) from None


def validate_national_number(value: str) -> None:
    normalize_national_number(value)


def format_national_number(value: str) -> str:
    return nn.format(value) if value else ""
