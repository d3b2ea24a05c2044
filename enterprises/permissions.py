"""One access-checked loader per protected object.

- 404 when the person has nothing to do with the enterprise (no designation, no mandate):
  its chain's existence does not leak.
- `Refused` (the explained 403) when they may see it but not do this.

Object permissions are read from guardian's direct tables (`get_user_perms`), never
`user.has_perm`: a superuser gets no silent bypass of the chain.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import get_user_perms

from enterprises import chain
from enterprises.models import Designation, Enterprise, EnterpriseQuality, Mandate, Registration
from enterprises.numbers import normalize_enterprise_number
from portal.groups import CONTACT_CENTRE, in_group
from portal.permissions import Refused
from portal.refusals import Refusal

Kind = chain.Kind

# For each enterprise permission: who can, and the wizard answer explaining it.
WHO_CAN = {perm: (refusal.who_can, refusal.help_slug) for perm, refusal in chain.REFUSALS.items()}


class Access:
    """What one person is in one enterprise (computed once per request)."""

    def __init__(self, user, enterprise: Enterprise):
        self.user = user
        self.enterprise = enterprise
        self.perms: set[str] = set(get_user_perms(user, enterprise))
        self.is_lr = is_legal_representative(user, enterprise)
        self.designations = list(
            Designation.objects.open()
            .filter(enterprise=enterprise, person=user)
            .select_related("enterprise_quality__quality")
        )
        self.gl_quality_ids = {
            d.enterprise_quality_id for d in self.designations if d.is_active and d.kind == Kind.GL
        }
        self.manager_quality_ids = {
            d.enterprise_quality_id
            for d in self.designations
            if d.is_active and d.kind in chain.LOCAL_MANAGER_KINDS
        }

    @property
    def is_related(self) -> bool:
        return self.is_lr or bool(self.designations) or bool(self.perms)

    def has(self, perm: str) -> bool:
        return perm in self.perms

    @property
    def is_rae(self) -> bool:
        return "designate_co_rae" in self.perms

    @property
    def is_manager(self) -> bool:
        return "manage_enterprise" in self.perms

    def can_designate_co_gl(self, enterprise_quality: EnterpriseQuality) -> bool:
        return self.is_manager or enterprise_quality.pk in self.gl_quality_ids

    def can_end(self, designation: Designation) -> bool:
        """Revoke / cancel / resend: only who sits above the designation."""
        if designation.kind == Kind.RAE:
            return self.is_lr  # pending replacement; the active RAE is never revoked
        if designation.kind == Kind.CO_RAE:
            return self.is_rae or (self.is_lr and designation.designated_by_id == self.user.pk)
        if designation.kind == Kind.GL:
            return self.is_manager
        return self.is_manager or designation.enterprise_quality_id in self.gl_quality_ids


def refuse(perm: str, reason=None) -> Refused:
    who_can, slug = WHO_CAN[perm]
    return Refused(
        reason=reason or _("Your designations in this enterprise do not allow this action."),
        who_can=who_can,
        help_slug=slug,
    )


def enterprise_by_number(number: str) -> Enterprise:
    try:
        number = normalize_enterprise_number(number)
    except Exception:
        raise Http404 from None
    enterprise = Enterprise.objects.filter(number=number).select_related("registration").first()
    if enterprise is None:
        raise Http404
    return enterprise


def enterprise_for_user(user, number: str, perm: str | None = None) -> tuple[Enterprise, Access]:
    """The enterprise and the person's access to it; 404 if unrelated, 403 if not allowed."""
    enterprise = enterprise_by_number(number)
    access = Access(user, enterprise)
    if not access.is_related:
        raise Http404
    if perm == chain.LEGAL_REPRESENTATIVE:
        if not access.is_lr:
            raise refuse(perm)
    elif perm is not None and not access.has(perm):
        raise refuse(perm)
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
    return Mandate.objects.representing(user).filter(enterprise=enterprise).exists()


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
