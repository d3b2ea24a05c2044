"""Shared pieces of the whole-site security tests: persona fixtures and a state snapshot.

The personas come from the apps' own fixtures (a real chain built through the enterprises
services, a local manager of roles), so the permissions every test relies on are the real
ones. `snapshot()` counts the rows of every table a state change could touch: a refused
request must leave every count as it was.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.apps import apps

from accounts.mfa_adapter import encrypt_secret
from accounts.tests.factories import national_number_for
from tests.personas import build_chain, signed_in

__all__ = ["build_chain", "enrol_totp", "person_data", "signed_in", "snapshot"]


# The portal's apps, guardian's grants, allauth's addresses and authenticators, wizard history.
WATCHED_APPS = (
    "portal",
    "accounts",
    "enterprises",
    "roles",
    "mandates",
    "wizard",
    "guardian",
    "account",
    "mfa",
    "reversion",
)


def snapshot() -> dict[str, object]:
    """Row count of every model of the portal's apps, plus guardian's grants."""
    counts: dict[str, object] = {}
    for app_label in WATCHED_APPS:
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            continue
        for model in config.get_models():
            counts[model._meta.label] = model._default_manager.count()
    # Statuses too: a refused request must not move a designation, invitation or attribution.
    for label in (
        "enterprises.Designation",
        "enterprises.EnterpriseQuality",
        "roles.RoleAttribution",
        "roles.Invitation",
        "roles.AccessLink",
        "roles.AccessRequest",
        "roles.InvitationBatch",
        "wizard.Page",
        "mandates.ClientMandate",
    ):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if f.name
            in ("status", "state", "end_date", "is_active", "email", "has_unpublished_changes")
        ]
        if fields:
            counts[f"{label}:states"] = sorted(
                model._default_manager.values_list("pk", *fields).order_by("pk")
            )
    user_model = apps.get_model("accounts.User")
    counts["accounts.User:details"] = sorted(
        user_model.objects.values_list(
            "pk",
            "first_name",
            "last_name",
            "language",
            "national_number",
            "national_number_verified",
            "is_active",
            "email",
            "password",
        )
    )
    return counts


def enrol_totp(user) -> Authenticator:
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt_secret("JBSWY3DPEHPK3PXP")}
    )


def person_data(index: int, *, prefix: str = "", email: str | None = None) -> dict[str, str]:
    """A complete PersonForm POST for somebody new."""
    return {
        f"{prefix}first_name": "Jan",
        f"{prefix}last_name": "Peeters",
        f"{prefix}national_number": national_number_for(index),
        f"{prefix}email": email or f"new{index}@example.test",
        f"{prefix}language": "fr",
    }
