"""Reads about people."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model


def account_with_verified_number(national_number: str, *, exclude=None):
    """The account holding `national_number` verified, if any (at most one: a constraint)."""
    accounts = get_user_model().objects.filter(
        national_number=national_number, national_number_verified=True
    )
    if exclude is not None:
        accounts = accounts.exclude(pk=exclude.pk)
    return accounts.first()


def accounts_with_verified_numbers(national_numbers) -> dict:
    """{number: account} for those of `national_numbers` an account holds verified (one
    query, whatever their count); a number only declared somewhere is not there."""
    accounts = get_user_model().objects.filter(
        national_number__in=list(national_numbers), national_number_verified=True
    )
    return {account.national_number: account for account in accounts}


def account_with_verified_email(emails: list[str]):
    """The account that proved it owns one of `emails` (allauth's verified address).

    An address someone typed without confirming it proves nothing and never matches.
    """
    if not emails:
        return None
    address = (
        EmailAddress.objects.filter(verified=True, email__in=[e.lower() for e in emails])
        .select_related("user")
        .order_by("-primary", "pk")
        .first()
    )
    return address.user if address else None
