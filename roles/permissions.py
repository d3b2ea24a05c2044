"""Loaders: the one access check per protected object of the roles app.

Role management is per activated quality (`enterprises.manage_roles` on the
EnterpriseQuality, held by its active GL and co-GLs). Someone with nothing to do with the
enterprise gets 404; an LR, RAE or co-RAE of that enterprise who is not its GL gets the
explained 403 (the seed: "you cannot manage role attributions directly").
"""

from allauth.account.models import EmailAddress
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import get_user_perms

from enterprises.models import Enterprise, EnterpriseQuality
from portal.permissions import Refused
from portal.tokens import hash_token
from roles.models import Invitation

MANAGE_ROLES = "enterprises.manage_roles"
MANAGE_ROLES_CODENAME = MANAGE_ROLES.split(".")[1]

WHO_CAN = _(
    "Only a local manager (or co-local manager) of this quality manages users' role "
    "attributions. Local managers are designated by the main access manager (RAE)."
)


def _is_rae(user, enterprise: Enterprise) -> bool:
    # guardian's direct grants, never `has_perm` (which answers yes for any superuser).
    return "view_chain" in get_user_perms(user, enterprise)


def _is_legal_representative(user, enterprise: Enterprise) -> bool:
    from enterprises.permissions import is_legal_representative

    return is_legal_representative(user, enterprise)


def refuse_non_manager(user, enterprise: Enterprise | None) -> None:
    """Raise the explained 403 for an LR/RAE/co-RAE who is not GL; else return."""
    if enterprise is None:
        return
    if _is_rae(user, enterprise):
        raise Refused(
            reason=_("As main access manager (RAE) you do not manage role attributions."),
            who_can=WHO_CAN,
            help_slug="rae-manage-roles",
        )
    if _is_legal_representative(user, enterprise):
        raise Refused(
            reason=_("As legal representative you do not manage role attributions."),
            who_can=WHO_CAN,
            help_slug="lr-manage-roles",
        )


def managed_quality_for_user(user, enterprise_quality_id: int) -> EnterpriseQuality:
    """The activated quality whose roles this user manages, or 404 / explained 403."""
    eq = (
        EnterpriseQuality.objects.select_related("enterprise", "quality")
        .filter(pk=enterprise_quality_id)
        .first()
    )
    if eq is None or not user.is_authenticated:
        raise Http404
    # Checked on every request against guardian's direct grants: no permission cache survives
    # a revocation, and no superuser or global permission bypasses the chain — only an
    # active GL or co-GL designation of this quality grants it.
    if eq.is_active and user.is_active and MANAGE_ROLES_CODENAME in get_user_perms(user, eq):
        return eq
    refuse_non_manager(user, eq.enterprise)
    raise Http404


# Why an invitation is not for this account (the invitation page explains each).
NOT_FOR_YOU_UNVERIFIED = "unverified"
NOT_FOR_YOU_OTHER_PERSON = "other_person"
NOT_FOR_YOU_OTHER_ADDRESS = "other_address"


def invitation_not_for(user, invitation) -> str | None:
    """None when `user` is the invited person, else why not.

    An invitation that names a national number is for the account holding that number
    *verified*; one without a number is for the account with the invited address verified.
    Accepting and declining both need this: the link alone is a bearer token that may have
    been forwarded.
    """
    if invitation.bound_to_national_number:
        if not user.verified_national_number:
            return NOT_FOR_YOU_UNVERIFIED
        if user.verified_national_number != invitation.national_number:
            return NOT_FOR_YOU_OTHER_PERSON
        return None
    if not EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists():
        return NOT_FOR_YOU_OTHER_ADDRESS
    return None


def invitation_for_token(raw_token: str) -> Invitation | None:
    """The invitation behind a link, or None (the page answers 404).

    The loader of the invitee's pages: the link is a bearer token, so holding it is the
    access to see what the invitation offers; answering it also needs `invitation_not_for`.
    """
    if not raw_token or len(raw_token) > 128:
        return None
    return (
        Invitation.objects.filter(token_hash=hash_token(raw_token))
        .select_related("enterprise", "enterprise_quality__quality", "invited_by")
        .first()
    )
