"""Reads of enterprises, permission-scoped."""

from django.db.models import Q

from enterprises.models import Designation, Enterprise


def header_enterprises(user) -> list[dict]:
    """The enterprises a person acts for, with their designations, for the page header.

    One query whatever the number of designations.
    """
    if user is None or not user.is_authenticated:
        return []
    rows = (
        Designation.objects.active()
        .filter(person=user)
        .select_related("enterprise", "enterprise_quality__quality")
        .order_by("enterprise__name", "kind")
    )
    by_enterprise: dict[int, dict] = {}
    for designation in rows:
        entry = by_enterprise.setdefault(
            designation.enterprise_id, {"enterprise": designation.enterprise, "designations": []}
        )
        entry["designations"].append(designation)
    return list(by_enterprise.values())


def search_enterprises(query: str, *, limit: int = 50):
    """Public BCE search: by number in any common writing, or by part of a name."""
    from enterprises.numbers import looks_like_number, normalize_enterprise_number

    query = (query or "").strip()
    if not query:
        return Enterprise.objects.none()
    qs = Enterprise.objects.select_related("registration")
    if looks_like_number(query):
        try:
            return qs.filter(number=normalize_enterprise_number(query))
        except Exception:
            return qs.none()
    return qs.filter(
        Q(name__icontains=query)
        | Q(abbreviation__icontains=query)
        | Q(commercial_name__icontains=query)
    ).order_by("name")[:limit]
