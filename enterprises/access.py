"""What one person is in one enterprise: the one access model of both apps.

`Access(user, enterprise)` answers every question the loaders of `enterprises` and `roles`
ask: is the person related to the enterprise at all (else 404), which enterprise permission
they hold, whether they are its legal representative, which of its qualities they manage,
whether they may end a designation, and whether they may manage the roles of a quality —
with the explained refusal when they may not.

Each fact is one query at most, asked the first time it is needed and kept for the request
(so a page that needs only the quality grants asks nothing else); no question costs a query
per row. Object permissions are guardian's direct grants on the enterprise and on its
qualities, never `user.has_perm`: a superuser or a global permission gets no silent bypass
of the chain.

This module imports only the models, the chain table, the mandates' rule table
(`mandates/rules.py`, which imports no model) and `portal`, so that
`enterprises.permissions` and `roles.permissions` both import it without a cycle.
"""

from functools import cached_property

from django.utils.translation import gettext_lazy as _

from enterprises import chain
from enterprises.models import (
    Designation,
    Enterprise,
    EnterpriseQuality,
    EnterpriseQualityUserObjectPermission,
    EnterpriseUserObjectPermission,
    Mandate,
)
from mandates import rules as mandate_rules
from portal import db
from portal.permissions import Refused

Kind = chain.Kind

# The refusal of role management to an LR, RAE or co-RAE who is not a local manager of the
# quality: the same "who can", the wizard answer of their own profile.
ROLE_MANAGEMENT_WHO_CAN = _(
    "Only a local manager (or co-local manager) of this quality manages users' role "
    "attributions. Local managers are designated by the main access manager (RAE)."
)
ROLE_MANAGEMENT_REFUSALS: dict[str, chain.Refusal] = {
    # Whoever sees the chain (the RAE and the co-RAEs).
    "view_chain": chain.Refusal(ROLE_MANAGEMENT_WHO_CAN, "rae-manage-roles"),
    chain.LEGAL_REPRESENTATIVE: chain.Refusal(ROLE_MANAGEMENT_WHO_CAN, "lr-manage-roles"),
}
ROLE_MANAGEMENT_REASONS = {
    "view_chain": _("As main access manager (RAE) you do not manage role attributions."),
    chain.LEGAL_REPRESENTATIVE: _("As legal representative you do not manage role attributions."),
}


# The reason of a refusal that gives none of its own.
NOT_ALLOWED = _("Your designations in this enterprise do not allow this action.")


def refuse(perm: str, reason=None) -> Refused:
    """The explained 403 for a permission of the chain table (who can, the wizard answer)."""
    refusal = chain.REFUSALS[perm]
    return Refused(
        reason=reason or NOT_ALLOWED,
        who_can=refusal.who_can,
        help_slug=refusal.help_slug,
    )


def _quality_grants(user, enterprise):
    return EnterpriseQualityUserObjectPermission.objects.filter(
        user_id=user, content_object__enterprise_id=enterprise
    ).values_list("content_object_id", "permission__codename")


# Asked on every page of a local manager: compiled once per process and prepared (portal.db).
_QUALITY_GRANTS = db.Statement(_quality_grants, user=-918_273_645, enterprise=-918_273_646)


def _enterprise_grants(user, enterprise):
    # What guardian's get_user_perms reads for a direct-foreign-key table, without the
    # content-type join (the table holds the enterprise's permissions only).
    return EnterpriseUserObjectPermission.objects.filter(
        user_id=user, content_object_id=enterprise
    ).values_list("permission__codename")


# Asked on every page of an enterprise (its chain, its detail, its designations).
_ENTERPRISE_GRANTS = db.Statement(_enterprise_grants, user=-918_273_648, enterprise=-918_273_649)


class Access:
    """What one person is in one enterprise (computed lazily, once per request)."""

    def __init__(self, user, enterprise: Enterprise):
        self.user = user
        self.enterprise = enterprise

    # --- The facts, one query each -----------------------------------------------------------

    @cached_property
    def perms(self) -> frozenset[str]:
        """Guardian codenames granted to the person directly on the enterprise."""
        if not self.user.is_authenticated:
            return frozenset()
        rows = _ENTERPRISE_GRANTS.rows(user=self.user.pk, enterprise=self.enterprise.pk)
        return frozenset(codename for (codename,) in rows)

    @cached_property
    def is_lr(self) -> bool:
        # The registry's answer; the rule itself is `Mandate.objects.representing`.
        return Mandate.objects.representing(self.user).filter(enterprise=self.enterprise).exists()

    @cached_property
    def designations(self) -> list[Designation]:
        """The person's open (pending or active) designations in the enterprise."""
        if not self.user.is_authenticated:
            return []
        return list(
            Designation.objects.open()
            .filter(enterprise=self.enterprise, person=self.user)
            .select_related("enterprise_quality__quality")
        )

    @cached_property
    def quality_perms(self) -> dict[int, frozenset[str]]:
        """Guardian codenames granted directly on each quality of the enterprise: one query
        for all of them (the direct-foreign-key table, as `get_user_perms` reads it)."""
        if not self.user.is_authenticated:
            return {}
        rows = _QUALITY_GRANTS.rows(user=self.user.pk, enterprise=self.enterprise.pk)
        perms: dict[int, set[str]] = {}
        for eq_id, codename in rows:
            perms.setdefault(eq_id, set()).add(codename)
        return {eq_id: frozenset(codenames) for eq_id, codenames in perms.items()}

    # --- What follows from them ----------------------------------------------------------------

    @cached_property
    def gl_quality_ids(self) -> set[int]:
        return {
            d.enterprise_quality_id for d in self.designations if d.is_active and d.kind == Kind.GL
        }

    @cached_property
    def manager_quality_ids(self) -> set[int]:
        return {
            d.enterprise_quality_id
            for d in self.designations
            if d.is_active and d.kind in chain.LOCAL_MANAGER_KINDS
        }

    @property
    def is_related(self) -> bool:
        """False: the enterprise answers 404 (its chain's existence does not leak)."""
        return bool(self.perms) or self.is_lr or bool(self.designations)

    def has(self, perm: str) -> bool:
        """A permission of the chain table; `legal_representative` is the registry's."""
        if perm == chain.LEGAL_REPRESENTATIVE:
            return self.is_lr
        return perm in self.perms

    @property
    def is_rae(self) -> bool:
        return self.has("designate_co_rae")

    @property
    def is_manager(self) -> bool:
        return self.has("manage_enterprise")

    def require(self, perm: str | None) -> None:
        """Raise the explained refusal of `perm` unless the person holds it."""
        if perm is not None and not self.has(perm):
            raise refuse(perm)

    # --- Mandates between enterprises ----------------------------------------------------------

    @property
    def may_manage_mandates(self) -> bool:
        """The enterprise's access managers (RAE and co-RAEs) propose, answer, end and
        transfer its mandates, and are the only ones who see them."""
        return self.user.is_active and self.is_manager

    def mandate_side(self, mandate) -> mandate_rules.Side | None:
        """The side of `mandate` this enterprise is on; None if it is no party to it."""
        if mandate.mandator_id == self.enterprise.pk:
            return mandate_rules.Side.MANDATOR
        if mandate.mandatary_id == self.enterprise.pk:
            return mandate_rules.Side.MANDATARY
        return None

    def may_act_on_mandate(self, mandate, action: str) -> bool:
        side = self.mandate_side(mandate)
        return (
            side is not None
            and self.may_manage_mandates
            and mandate.allows(action, side)
            # Nobody answers their own proposal, whichever enterprise they manage it from.
            and not (
                mandate_rules.ACTIONS[action].who is mandate_rules.Who.ANSWERING
                and mandate.proposed_by_id == self.user.pk
            )
        )

    def mandate_actions(self, mandate) -> list[str]:
        """The actions of `ACTIONS` this person may take on `mandate` now (its page's buttons)."""
        return [
            action for action in mandate_rules.ACTIONS if self.may_act_on_mandate(mandate, action)
        ]

    def can_designate_co_gl(self, enterprise_quality: EnterpriseQuality) -> bool:
        return self.is_manager or enterprise_quality.pk in self.gl_quality_ids

    def can_end(self, designation: Designation) -> bool:
        """Revoke / cancel / resend: only who sits above the designation."""
        if designation.kind == Kind.RAE:
            return self.is_lr  # pending replacement; the active RAE is never revoked
        if designation.kind == Kind.CO_RAE:
            # The RAE, or the legal representative who designated it at registration (not
            # another legal representative of the enterprise).
            return self.is_rae or (self.is_lr and designation.designated_by_id == self.user.pk)
        if designation.kind == Kind.GL:
            return self.is_manager
        return self.is_manager or designation.enterprise_quality_id in self.gl_quality_ids

    # --- Role management ---------------------------------------------------------------------

    def may_manage_roles(self, enterprise_quality: EnterpriseQuality) -> bool:
        """An active GL or co-GL of this active quality: only their grant opens it.

        Asked on every request against guardian's direct grants, so no permission cache
        survives a revocation.
        """
        return (
            enterprise_quality.enterprise_id == self.enterprise.pk
            and enterprise_quality.is_active
            and self.user.is_active
            and "manage_roles" in self.quality_perms.get(enterprise_quality.pk, frozenset())
        )

    def role_management_refusal(self) -> Refused | None:
        """The explained 403 for an RAE, co-RAE or LR who is not a local manager here;
        None for anyone else (who gets 404)."""
        if not self.user.is_authenticated:
            return None
        for why in ("view_chain", chain.LEGAL_REPRESENTATIVE):
            if self.has(why):
                refusal = ROLE_MANAGEMENT_REFUSALS[why]
                return Refused(
                    reason=ROLE_MANAGEMENT_REASONS[why],
                    who_can=refusal.who_can,
                    help_slug=refusal.help_slug,
                )
        return None
