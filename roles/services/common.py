"""The refusals every way of giving roles shares (invitation, direct, link)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.refusals import Refusal
from roles.models import Role
from roles.periods import period_errors


def _check_roles_in_scope(enterprise_quality, roles, mandate=None) -> None:
    if not roles:
        raise Refusal(_("Choose at least one role."))
    if mandate is not None:
        _check_mandate(enterprise_quality, mandate)
    allowed = set(Role.objects.offered(enterprise_quality, mandate).values_list("pk", flat=True))
    if any(role.pk not in allowed for role in roles):
        if mandate is not None:
            raise Refusal(_("These roles are not offered under this mandate."))
        raise Refusal(_("These roles are not offered under this quality."))


def _check_mandate(enterprise_quality, mandate) -> None:
    """A provider's manager gives roles for a client only under a mandate their quality
    still works under (`mandates.selectors.workable_by`)."""
    from mandates.selectors import workable_by

    if not workable_by(enterprise_quality).filter(pk=mandate.pk).exists():
        raise Refusal(
            _("Your enterprise no longer acts for this client under this mandate."),
            code="mandate_not_workable",
        )


def _hold_mandate(enterprise_quality, mandate) -> None:
    """Inside the giving transaction: lock the mandate's row and check it again, so that a
    mandate ended meanwhile (mandates.services locks the same row) either ends the roles
    given here too, or refuses them."""
    if mandate is None:
        return
    from mandates.models import ClientMandate

    ClientMandate.objects.select_for_update(no_key=True).filter(pk=mandate.pk).first()
    _check_mandate(enterprise_quality, mandate)


def _period_under(mandate, valid_from, valid_until):
    """An attribution under a mandate lies within the mandate's period: it starts no
    earlier than the mandate, and ends no later (`None`: open)."""
    if mandate is None:
        return valid_from, valid_until
    today = timezone.localdate()
    valid_from = max(valid_from or today, mandate.start_date)
    if mandate.end_date is not None and (valid_until is None or valid_until > mandate.end_date):
        valid_until = mandate.end_date
    return valid_from, valid_until


def _check_period(valid_from=None, valid_until=None) -> None:
    """The attribution's dates (roles.periods): the first thing wrong is the refusal."""
    errors = period_errors(valid_from, valid_until)
    if errors:
        raise Refusal(next(iter(errors.values())))
