"""Loaders: the one access check per protected object of the roles app.

Role management is per activated quality (`enterprises.manage_roles` on the
EnterpriseQuality, held by its active GL and co-GLs). Someone with nothing to do with the
enterprise gets 404; an LR, RAE or co-RAE of that enterprise who is not its GL gets the
explained 403 (the seed: "you cannot manage role attributions directly").
"""

from allauth.account.models import EmailAddress
from django.http import Http404

from enterprises import chain
from enterprises.access import ROLE_MANAGEMENT_WHO_CAN, Access
from enterprises.models import Designation, Enterprise, EnterpriseQuality, Mandate
from enterprises.selectors import enterprise_quality_by_pk
from portal.tokens import hash_token
from roles import selectors
from roles.models import (
    AccessLink,
    AccessRequest,
    Invitation,
    InvitationBatch,
    RoleAttribution,
)

MANAGE_ROLES = "enterprises.manage_roles"
MANAGE_ROLES_CODENAME = MANAGE_ROLES.split(".")[1]

WHO_CAN = ROLE_MANAGEMENT_WHO_CAN


def refuse_non_manager(user, enterprise: Enterprise | None) -> None:
    """Raise the explained 403 for an LR/RAE/co-RAE who is not GL; else return."""
    if enterprise is None:
        return
    refusal = Access(user, enterprise).role_management_refusal()
    if refusal is not None:
        raise refusal


def refuse_non_manager_anywhere(user) -> None:
    """For someone who manages no quality at all: the explained 403 when they are an RAE or
    co-RAE (first) or a legal representative somewhere, else nothing (an empty home page)."""
    designation = (
        Designation.objects.active()
        .filter(person=user, kind__in=chain.enterprise_kinds())
        .select_related("enterprise")
        .first()
    )
    refuse_non_manager(user, designation.enterprise if designation else None)
    mandate = Mandate.objects.representing(user).select_related("enterprise").first()
    refuse_non_manager(user, mandate.enterprise if mandate else None)


def managed_quality_for_user(user, enterprise_quality_id: int) -> EnterpriseQuality:
    """The activated quality whose roles this user manages, or 404 / explained 403."""
    eq = enterprise_quality_by_pk(enterprise_quality_id)
    if eq is None or not user.is_authenticated:
        raise Http404
    # Only an active GL or co-GL designation of this quality grants it (`Access` reads
    # guardian's direct grants on every request: no superuser or global permission bypass).
    access = Access(user, eq.enterprise)
    if access.may_manage_roles(eq):
        return eq
    refusal = access.role_management_refusal()
    if refusal is not None:
        raise refusal
    raise Http404


# --- The objects of a managed quality: 404 for anything outside it ----------------------------


def _or_404(obj):
    if obj is None:
        raise Http404
    return obj


def attribution_for_manager(enterprise_quality: EnterpriseQuality, pk: int) -> RoleAttribution:
    return _or_404(selectors.attribution_for_manager(enterprise_quality, pk))


def invitation_for_manager(enterprise_quality: EnterpriseQuality, pk: int) -> Invitation:
    return _or_404(Invitation.objects.filter(enterprise_quality=enterprise_quality, pk=pk).first())


def link_for_manager(enterprise_quality: EnterpriseQuality, pk: int) -> AccessLink:
    return _or_404(AccessLink.objects.filter(enterprise_quality=enterprise_quality, pk=pk).first())


def access_request_for_manager(enterprise_quality: EnterpriseQuality, pk: int) -> AccessRequest:
    return _or_404(
        AccessRequest.objects.filter(link__enterprise_quality=enterprise_quality, pk=pk)
        .select_related("link", "person")
        .first()
    )


def batch_for_manager(enterprise_quality: EnterpriseQuality, pk: int) -> InvitationBatch:
    return _or_404(
        InvitationBatch.objects.filter(enterprise_quality=enterprise_quality, pk=pk)
        .select_related("mandate__mandator", "mandate__mandatary")
        .first()
    )


# --- What a person reaches without managing anything ------------------------------------------


def link_by_slug(slug: str) -> AccessLink:
    """A published link: its address is public (whoever has it may follow it); the service
    decides whether it still gives anything."""
    return _or_404(
        AccessLink.objects.filter(slug=slug)
        .select_related(
            "enterprise_quality__enterprise",
            "enterprise_quality__quality",
            "mandate__mandator",
            "mandate__mandatary",
            "mandate__group",
        )
        .first()
    )


def own_active_attribution(user, pk: int) -> RoleAttribution:
    """One of the person's own active attributions; 404 for anyone else's."""
    return _or_404(selectors.own_active_attributions(user).filter(pk=pk).first())


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
        .select_related(
            "enterprise",
            "enterprise_quality__quality",
            "invited_by",
            "mandate__mandator",
            "mandate__mandatary",
            "mandate__group",
        )
        .first()
    )


def mandate_for_manager(enterprise_quality: EnterpriseQuality, mandate_id: int):
    """The mandate under which this (already loaded, so managed) quality's local managers
    give roles for a client: 404 unless the quality works under it now
    (`mandates.selectors.workable_by`), so another provider's mandate, a mandate this
    quality does not receive, or one ended, reads as one that does not exist."""
    from mandates.selectors import workable_by

    return _or_404(
        workable_by(enterprise_quality)
        .filter(pk=mandate_id)
        .select_related("mandator", "mandatary", "group")
        .first()
    )
