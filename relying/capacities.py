"""In which capacity a person may act in an application, and what they hold there now.

The one place that answers, for the capacity screen, the tokens, introspection, refresh,
the decision API and the revocation events alike. Every answer is read from the database
when asked (`RoleAttribution.objects.effective()`): there is no cache to wait for when a
manager ends a role.
"""

from __future__ import annotations

from dataclasses import dataclass

from enterprises.models import Enterprise, EnterpriseQuality
from relying.models import ApplicationClient, Capacity
from roles.models import RoleAttribution


@dataclass(frozen=True)
class Option:
    """One choice of the capacity screen: an enterprise and quality, or the citizen."""

    enterprise: Enterprise | None
    enterprise_quality: EnterpriseQuality | None

    @property
    def key(self) -> str:
        return str(self.enterprise_quality.pk) if self.enterprise_quality else "citizen"

    @property
    def is_citizen(self) -> bool:
        return self.enterprise is None


CITIZEN = Option(enterprise=None, enterprise_quality=None)


def may_act(person) -> bool:
    """Only an active account with a verified national number carries any power."""
    return bool(person and person.is_active and person.verified_national_number)


def _effective(on=None):
    return RoleAttribution.objects.effective(on).filter(role__is_available=True)


def effective_in(application, on=None):
    """Everyone's effective attributions of this application's roles (still offered): what
    `holdings` narrows to one person, and the decision API to the people it is asked about.
    `on`: the day (today by default)."""
    return _effective(on).filter(role__application=application)


def holdings(person, application):
    """The person's effective attributions of this application's roles, everywhere."""
    return effective_in(application).filter(person=person)


def role_codes_held(keys) -> dict[tuple[int, int, int], list[str]]:
    """`role_codes` for many capacities in one query: for each (person id, enterprise
    quality id, application id) of `keys`, the codes held there now (absent: none)."""
    keys = set(keys)
    if not keys:
        return {}
    rows = (
        _effective()
        .filter(
            person_id__in={person for person, _eq, _app in keys},
            enterprise_quality_id__in={eq for _person, eq, _app in keys},
            role__application_id__in={app for _person, _eq, app in keys},
        )
        .values_list("person_id", "enterprise_quality_id", "role__application_id", "role__code")
        .distinct()
    )
    held: dict[tuple[int, int, int], set[str]] = {}
    for person, eq, app, code in rows:
        if (person, eq, app) in keys:
            held.setdefault((person, eq, app), set()).add(code)
    return {key: sorted(codes) for key, codes in held.items()}


def options(person, registration: ApplicationClient, *, enterprise_number: str = "") -> list:
    """The capacities offered on the screen, enterprises by name, the citizen last.

    `enterprise_number` (the application's `enterprise` parameter, already normalised)
    narrows the choice to that enterprise; the citizen is then not offered."""
    if not may_act(person):
        return []
    held = holdings(person, registration.application)
    if enterprise_number:
        held = held.filter(enterprise__number=enterprise_number)
    qualities = (
        EnterpriseQuality.objects.filter(pk__in=held.values("enterprise_quality").order_by())
        .select_related("enterprise", "quality")
        .order_by("enterprise__name", "enterprise__number", "quality__position")
    )
    found = [Option(enterprise=eq.enterprise, enterprise_quality=eq) for eq in qualities]
    if registration.allow_citizens and not enterprise_number:
        found.append(CITIZEN)
    return found


def role_codes(capacity: Capacity, application) -> list[str]:
    """The codes of this application's roles the person holds in the capacity, now."""
    if capacity.is_citizen:
        return []
    return sorted(
        holdings(capacity.person, application)
        .filter(enterprise_quality_id=capacity.enterprise_quality_id)
        .values_list("role__code", flat=True)
        .distinct()
    )


def is_current(capacity: Capacity, registration: ApplicationClient) -> bool:
    """Does the capacity still give access? False the moment the last role behind it has
    ended, been revoked, deactivated or expired, the quality was deactivated, or the
    enterprise's registration is gone; and for anyone whose account or verified number
    is gone."""
    person = capacity.person
    if not may_act(person):
        return False
    if capacity.is_citizen:
        return registration.allow_citizens
    return (
        holdings(person, registration.application)
        .filter(enterprise_quality_id=capacity.enterprise_quality_id)
        .exists()
    )


def for_grant(grant_id: str | None) -> Capacity | None:
    if not grant_id:
        return None
    return (
        Capacity.objects.select_related(
            "person",
            "enterprise",
            "enterprise_quality__quality",
            "client__application_registration__application",
        )
        .filter(grant_id=grant_id)
        .first()
    )
