"""The designation chain, declared once: one row per kind of designation.

Every rule that depends on the kind of a designation is read from `RULES`: its scope (the
enterprise, or one of its activated qualities), the guardian permissions an active
designation grants, the permission whose holder designates it, the permission whose refusal
explains who may end it, and the wizard profile it shows. The guardian grants, the database
check constraint, the refusals and the local-manager menu are derived from it, so adding a
kind is one row here plus its migration (the choices and the constraint change).

This module imports nothing from the models: `Designation.Kind` is `Kind` below, and the
model's constraints are built from this table while the model class is being created.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """`Designation.Kind`: the keys of the table."""

    RAE = "rae", _("Main access manager (RAE)")
    CO_RAE = "co_rae", _("Co-main access manager (co-RAE)")
    GL = "gl", _("Local manager")
    CO_GL = "co_gl", _("Co-local manager")


def profile_label(kind: str, quality=None) -> str:
    """ "Local manager · Employer": a designation's profile as the header and "My
    enterprises" name it, in the active language (`quality`: its quality, for a GL)."""
    label = Kind(kind).label
    return label if quality is None else f"{label} · {quality.name}"


class Scope(StrEnum):
    ENTERPRISE = "enterprise"  # the designation is on the enterprise (no quality)
    QUALITY = "quality"  # the designation is on one activated quality of the enterprise


# The refusals of the enterprise loaders: for each permission, who can, and the wizard answer
# explaining it. "legal_representative" is no guardian permission: the registry's mandates say.
LEGAL_REPRESENTATIVE = "legal_representative"


@dataclass(frozen=True)
class Refusal:
    who_can: Promise
    help_slug: str


REFUSALS: dict[str, Refusal] = {
    "view_chain": Refusal(
        _(
            "The RAE and the co-RAEs of the enterprise see its chain; others ask the "
            "contact centre."
        ),
        "gl-who-is",
    ),
    "manage_enterprise": Refusal(
        _(
            "Only the RAE or a co-RAE of the enterprise activates qualities and designates "
            "local managers."
        ),
        "lr-activate-quality",
    ),
    "designate_co_rae": Refusal(
        _("Only the RAE designates co-RAEs (a co-RAE cannot)."),
        "rae-designate-co-rae",
    ),
    LEGAL_REPRESENTATIVE: Refusal(
        _("Only a legal representative with signing authority (per the registry) can do this."),
        "legal-representative",
    ),
    "designate_co_gl": Refusal(
        _(
            "The local manager of this quality, the RAE or a co-RAE designates co-local "
            "managers (a co-local manager cannot)."
        ),
        "gl-designate-co-gl",
    ),
}


@dataclass(frozen=True)
class KindRule:
    kind: Kind
    scope: Scope
    # Guardian codenames an ACTIVE designation grants, on the enterprise or on its quality.
    grants: frozenset[str]
    # Whose permission designates this kind (a key of REFUSALS).
    designated_by: str
    # The permission whose refusal explains who may end (revoke, cancel, resend) it.
    ended_by: str
    # The wizard profile page and the profile label of a person holding it.
    wizard_page: str
    wizard_profile: str
    # False for the RAE: revoking it would lock the enterprise out; a legal representative
    # replaces it instead (a pending replacement is cancelled, not revoked).
    revocable: bool = True

    @property
    def is_quality(self) -> bool:
        return self.scope is Scope.QUALITY

    @property
    def refusal_to_end(self) -> Refusal:
        return REFUSALS[self.ended_by]


RULES: dict[Kind, KindRule] = {
    rule.kind: rule
    for rule in (
        KindRule(
            kind=Kind.RAE,
            scope=Scope.ENTERPRISE,
            grants=frozenset({"view_chain", "manage_enterprise", "designate_co_rae"}),
            designated_by=LEGAL_REPRESENTATIVE,
            ended_by=LEGAL_REPRESENTATIVE,
            wizard_page="rae",
            wizard_profile="rae",
            revocable=False,
        ),
        KindRule(
            kind=Kind.CO_RAE,
            scope=Scope.ENTERPRISE,
            grants=frozenset({"view_chain", "manage_enterprise"}),
            designated_by="designate_co_rae",
            ended_by="designate_co_rae",
            wizard_page="rae",
            wizard_profile="co-rae",
        ),
        KindRule(
            kind=Kind.GL,
            scope=Scope.QUALITY,
            grants=frozenset({"manage_roles", "designate_co_gl"}),
            designated_by="manage_enterprise",
            ended_by="manage_enterprise",
            wizard_page="local-manager",
            wizard_profile="local-manager",
        ),
        KindRule(
            kind=Kind.CO_GL,
            scope=Scope.QUALITY,
            grants=frozenset({"manage_roles"}),
            designated_by="designate_co_gl",
            ended_by="designate_co_gl",
            wizard_page="local-manager",
            wizard_profile="co-local-manager",
        ),
    )
}


def kinds(scope: Scope) -> list[Kind]:
    """The kinds of one scope, in the table's order (a list: Q(kind__in=...) deconstructs it)."""
    return [rule.kind for rule in RULES.values() if rule.scope is scope]


def quality_kinds() -> list[Kind]:
    return kinds(Scope.QUALITY)


def enterprise_kinds() -> list[Kind]:
    return kinds(Scope.ENTERPRISE)


def is_quality_kind(kind: str) -> bool:
    # An unsaved designation may have no (or no valid) kind yet: not a quality kind.
    rule = RULES.get(kind)
    return rule is not None and rule.is_quality


# Who has role management to do: the local managers (every kind on a quality).
LOCAL_MANAGER_KINDS: frozenset[Kind] = frozenset(quality_kinds())

# What each active designation grants, by scope (the guardian contract every app relies on).
ENTERPRISE_PERMS: dict[Kind, frozenset[str]] = {
    rule.kind: rule.grants for rule in RULES.values() if rule.scope is Scope.ENTERPRISE
}
QUALITY_PERMS: dict[Kind, frozenset[str]] = {
    rule.kind: rule.grants for rule in RULES.values() if rule.scope is Scope.QUALITY
}
# Every codename a designation can grant on each object: what a sync may have to remove.
ENTERPRISE_CODENAMES: frozenset[str] = frozenset().union(*ENTERPRISE_PERMS.values())
QUALITY_CODENAMES: frozenset[str] = frozenset().union(*QUALITY_PERMS.values())


def scope_constraint() -> models.Q:
    """The database check: a quality for the kinds on a quality, none for the others."""
    return models.Q(kind__in=quality_kinds(), enterprise_quality__isnull=False) | models.Q(
        kind__in=enterprise_kinds(), enterprise_quality__isnull=True
    )
