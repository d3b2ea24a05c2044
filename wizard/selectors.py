"""Reads: the public page (cached per language) and the profiles a person holds."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from enterprises import chain
from wizard.models import Page
from wizard.rendering import render_page

CACHE_TIMEOUT = 60 * 60 * 24
_GENERATION_KEY = "wizard:generation"
_MISSING = "__missing__"


def cache_generation() -> str:
    """Part of every cached page's key: publishing changes it, which drops every page.

    One generation for the whole wizard because a page shows other pages' titles (choices).
    """
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        cache.add(_GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(_GENERATION_KEY) or "0"
    return generation


def clear_page_cache() -> None:
    cache.set(_GENERATION_KEY, uuid.uuid4().hex, None)


def public_page(slug: str, language: str) -> dict[str, Any] | None:
    """The rendered published page, or None. Served from the cache without any query."""
    key = f"wizard:page:{cache_generation()}:{language}:{slug}"
    cached = cache.get(key)
    if cached == _MISSING:
        return None
    if cached is not None:
        return cached
    snapshot = (
        Page.objects.published().filter(slug=slug).values_list("published", flat=True).first()
    )
    rendered = render_page(snapshot, language) if snapshot else None
    cache.set(key, rendered if rendered is not None else _MISSING, CACHE_TIMEOUT)
    return rendered


@dataclass(frozen=True)
class HeldProfile:
    slug: str
    label: str
    enterprise: str


PROFILE_LABELS = {
    "legal-representative": _("Legal representative"),
    "rae": _("Entity Access Manager (RAE)"),
    "co-rae": _("co-Entity Access Manager (co-RAE)"),
    "local-manager": _("Local Manager"),
    "co-local-manager": _("co-Local Manager"),
    "user": _("User"),
}

# Each kind's profile page and label, from the chain table.
_DESIGNATION_PROFILE = {
    kind: (rule.wizard_page, rule.wizard_profile) for kind, rule in chain.RULES.items()
}


def held_profiles(user, limit: int | None = None) -> list[HeldProfile]:
    """The profiles the signed-in person actually holds, with the enterprise of each.

    A constant number of queries: designations, mandates, role attributions (if that app
    provides them). `limit` bounds each of them, so a person designated in a thousand
    enterprises costs the page what a person designated in a few costs (the first
    enterprises by name; the page links to the full list).
    """
    if user is None or not user.is_authenticated:
        return []
    from enterprises.models import Designation, Mandate

    held: list[HeldProfile] = []
    seen: set[tuple[str, str]] = set()

    def add(slug: str, label_key: str, enterprise: str) -> None:
        if (label_key, enterprise) in seen:
            return
        seen.add((label_key, enterprise))
        held.append(HeldProfile(slug, str(PROFILE_LABELS[label_key]), enterprise))

    if user.verified_national_number:
        mandates = (
            Mandate.objects.representing(user)
            .select_related("enterprise")
            .order_by("enterprise__name")
        )
        for mandate in mandates[:limit]:
            add("legal-representative", "legal-representative", mandate.enterprise.name)

    order = ("enterprise__name", "kind")
    designations = Designation.objects.filter(person=user, status="active").order_by(*order)
    if limit is not None:
        # The rows chosen by their ids first (the sort needs only the enterprise's name),
        # then joined to their quality: joining every designation of a person of 1,000
        # enterprises before the limit cost 40 ms (enterprises.selectors.header_enterprises
        # reads its rows the same way).
        designations = Designation.objects.filter(
            pk__in=designations.values("pk")[:limit]
        ).order_by(*order)
    designations = designations.select_related("enterprise", "enterprise_quality__quality")
    for designation in designations:
        slug, label_key = _DESIGNATION_PROFILE.get(designation.kind, (None, None))
        if slug is None:
            continue
        name = designation.enterprise.name
        if designation.enterprise_quality_id:
            name = f"{name} · {designation.enterprise_quality.quality.name}"
        add(slug, label_key, name)

    for enterprise_name in _attribution_enterprises(user, limit):
        add("user", "user", enterprise_name)
    return held


def _attribution_enterprises(user, limit: int | None = None) -> list[str]:
    # The roles app is written in parallel: use its attributions only when they exist.
    if not apps.is_installed("roles"):
        return []
    try:
        from roles.models import RoleAttribution
    except ImportError:
        return []
    queryset = RoleAttribution.objects.filter(person=user, status="active")
    field_names = {field.name for field in RoleAttribution._meta.get_fields()}
    if "enterprise" in field_names:
        names = (
            queryset.order_by("enterprise__name")
            .values_list("enterprise__name", flat=True)
            .distinct()[:limit]
        )
        return sorted({name for name in names if name})
    return [""] if queryset.exists() else []
