"""One access-checked loader per protected object.

- 404 when the person has nothing to do with the enterprise (no designation, no mandate):
  its chain's existence does not leak.
- `Refused` (the explained 403) when they may see it but not do this.

Object permissions are read from guardian's direct tables (`get_user_perms`), never
`user.has_perm`: a superuser gets no silent bypass of the chain.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from enterprises import chain
from enterprises.access import Access, refuse
from enterprises.models import Designation, Enterprise, EnterpriseQuality, Registration
from enterprises.numbers import normalize_enterprise_number
from enterprises.selectors import enterprise_with_number
from mandates import rules as mandate_rules
from mandates.models import ClientMandate
from mandates.selectors import mandate_of
from portal.groups import CONTACT_CENTRE, in_group
from portal.permissions import Refused
from portal.refusals import Refusal
from portal.tokens import hash_token

__all__ = ["Access", "refuse"]  # the access model, answered here for the views of this app

Kind = chain.Kind

# For each enterprise permission: who can, and the wizard answer explaining it.
WHO_CAN = {perm: (refusal.who_can, refusal.help_slug) for perm, refusal in chain.REFUSALS.items()}


def enterprise_by_number(number: str) -> Enterprise:
    try:
        number = normalize_enterprise_number(number)
    except Exception:
        raise Http404 from None
    enterprise = enterprise_with_number(number)
    if enterprise is None:
        raise Http404
    return enterprise


def enterprise_for_user(user, number: str, perm: str | None = None) -> tuple[Enterprise, Access]:
    """The enterprise and the person's access to it; 404 if unrelated, 403 if not allowed."""
    enterprise = enterprise_by_number(number)
    access = Access(user, enterprise)
    if not access.is_related:
        raise Http404
    access.require(perm)
    return enterprise, access


def enterprise_quality_for_user(
    access: Access, pk: int, *, for_co_gl: bool = False
) -> EnterpriseQuality:
    eq = (
        EnterpriseQuality.objects.filter(pk=pk, enterprise=access.enterprise)
        .select_related("quality", "enterprise")
        .first()
    )
    if eq is None:
        raise Http404
    allowed = access.can_designate_co_gl(eq) if for_co_gl else access.is_manager
    if not allowed:
        raise refuse("designate_co_gl" if for_co_gl else "manage_enterprise")
    return eq


def designation_for_user(access: Access, pk: int) -> Designation:
    designation = (
        Designation.objects.filter(pk=pk, enterprise=access.enterprise)
        .select_related("enterprise", "enterprise_quality__quality", "person")
        .first()
    )
    if designation is None:
        raise Http404
    if not access.can_end(designation):
        raise refuse(chain.RULES[designation.kind].ended_by)
    return designation


# --- Mandates between enterprises ------------------------------------------------------------


def mandates_refusal() -> Refused:
    return Refused(
        reason=_("Your designations in this enterprise do not include its mandates."),
        who_can=mandate_rules.MANAGED_BY,
        help_slug="rae-mandates",
    )


def enterprise_mandates_for_user(user, number: str) -> tuple[Enterprise, Access]:
    """An enterprise's mandates: 404 if the person is unrelated to it, the explained 403
    for its other profiles (legal representative, local managers)."""
    enterprise, access = enterprise_for_user(user, number)
    if not access.may_manage_mandates:
        raise mandates_refusal()
    return enterprise, access


def mandate_for_user(user, number: str, pk: int) -> tuple[ClientMandate, Access]:
    """One mandate, seen from one of its two enterprises (`number`): only that enterprise's
    access managers open it; anyone else gets 404, whatever else they are there."""
    enterprise = enterprise_by_number(number)
    access = Access(user, enterprise)
    if not access.may_manage_mandates:
        raise Http404
    mandate = mandate_of(enterprise, pk)
    if mandate is None:
        raise Http404
    return mandate, access


def mandate_action_for_user(user, number: str, pk: int, action: str):
    """The mandate and access for one action; the explained 403 when the state or the side
    does not allow it (the page only offers what is allowed)."""
    mandate, access = mandate_for_user(user, number, pk)
    if not access.may_act_on_mandate(mandate, action):
        raise Refused(
            reason=_("This action is not possible on this mandate now (it is %(state)s).")
            % {"state": mandate.get_state_display()},
            who_can=mandate_rules.ACTIONS[action].who_can,
            help_slug="rae-mandates",
        )
    return mandate, access


def designation_for_token(token: str) -> Designation | None:
    """The designation behind an acceptance link, or None (the page answers 404).

    The link is a bearer token: holding it is the access to see what it offers; accepting
    it also needs the person's verified national number (checked by the page and again by
    the service).
    """
    if not token or len(token) > 128:
        return None
    return (
        Designation.objects.filter(token_hash=hash_token(token))
        .select_related("enterprise", "enterprise_quality__quality", "designated_by")
        .first()
    )


def is_contact_centre_agent(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_staff
        and in_group(user, CONTACT_CENTRE)
        and user.has_perm("enterprises.contact_centre_lookup")
    )


def require_contact_centre(user) -> None:
    if not is_contact_centre_agent(user):
        raise Refused(
            reason=_("The enterprise look-up is reserved for the Social Security contact centre."),
            who_can=_(
                "Contact-centre agents. Legal representatives and local managers contact the "
                "contact centre to know who the RAE or the local managers are."
            ),
            help_slug="lr-who-is",
        )


# --- Registration: asked by the view to explain, and again by the service under the lock ----


def is_legal_representative(user, enterprise: Enterprise) -> bool:
    return Access(user, enterprise).is_lr


def registration_check(*, user, enterprise: Enterprise) -> None:
    """Why `user` may not register `enterprise` (a `Refusal`, shown on the form), or nothing."""
    if not enterprise.is_active:
        raise Refusal(
            _("This enterprise is not active in the Crossroads Bank for Enterprises."),
            code="inactive",
        )
    if not user.verified_national_number:
        raise Refusal(
            _("Your national number is not verified, so your mandates cannot be checked."),
            code="unverified_national_number",
        )
    if not is_legal_representative(user, enterprise):
        raise Refusal(
            _(
                "The registry does not list you as a legal representative with signing "
                "authority for this enterprise."
            ),
            code="not_legal_representative",
        )
    if Registration.objects.filter(enterprise=enterprise).exists():
        raise Refusal(_("This enterprise is already registered."), code="already_registered")
