"""The refusals every way of giving roles shares (invitation, direct, link)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.refusals import Refusal
from roles.models import Role


def _check_roles_in_scope(enterprise_quality, roles) -> None:
    if not roles:
        raise Refusal(_("Choose at least one role."))
    allowed = set(
        Role.objects.for_quality(enterprise_quality.quality_id).values_list("pk", flat=True)
    )
    if any(role.pk not in allowed for role in roles):
        raise Refusal(_("These roles are not offered under this quality."))


def _check_end_date(valid_until) -> None:
    if valid_until is not None and valid_until < timezone.localdate():
        raise Refusal(_("The end date cannot be in the past."))
