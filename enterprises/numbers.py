"""Belgian enterprise numbers in every common writing: 0123.456.749, BE0123456749, 123456749."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.be import vat


def normalize_enterprise_number(value: str) -> str:
    """The ten digits (0123456749) or ValidationError with the reason."""
    try:
        return vat.validate(value)
    except Exception:
        raise ValidationError(
            _("“%(value)s” is not a valid enterprise number (10 digits, e.g. 0123.456.749)."),
            code="invalid_enterprise_number",
            params={"value": value},
        ) from None


def looks_like_number(value: str) -> bool:
    digits = "".join(ch for ch in value if ch.isdigit())
    return len(digits) in (9, 10) and not any(
        ch.isalpha() for ch in value.upper().replace("BE", "", 1)
    )
