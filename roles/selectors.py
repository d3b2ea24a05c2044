"""Reads of the roles app, scoped by permission. No view filters by hand."""

from django.db.models import Q
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from enterprises.models import EnterpriseQuality
from portal.models import AuditEvent
from roles.models import AccessLink, AccessRequest, Invitation, Role, RoleAttribution

SORTS = {
    "name": ("last_name", "first_name"),
    "-name": ("-last_name", "-first_name"),
    "role": ("role__application__name", "role__name"),
    "-role": ("-role__application__name", "-role__name"),
    "until": ("valid_until",),
    "-until": ("-valid_until",),
    "created": ("created_at",),
    "-created": ("-created_at",),
    "status": ("status",),
}


def managed_qualities(user):
    """Activated qualities whose roles this person manages (GL or co-GL)."""
    if not user.is_authenticated:
        return EnterpriseQuality.objects.none()
    return (
        get_objects_for_user(
            user,
            "enterprises.manage_roles",
            EnterpriseQuality.objects.filter(status=EnterpriseQuality.Status.ACTIVE),
            accept_global_perms=False,
            with_superuser=False,
        )
        .select_related("enterprise", "quality")
        .order_by("enterprise__name", "quality__position")
    )


def roles_for_quality(enterprise_quality):
    return Role.objects.for_quality(enterprise_quality.quality_id).select_related("application")


def attributions_for_manager(enterprise_quality, *, params: dict | None = None):
    """The manager's list: search, filters and sorting from (validated) query params."""
    params = params or {}
    qs = RoleAttribution.objects.filter(enterprise_quality=enterprise_quality).select_related(
        "role__application", "person"
    )
    q = (params.get("q") or "").strip()
    if q:
        digits = "".join(c for c in q if c.isdigit())
        cond = Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q)
        if len(digits) >= 4:
            cond |= Q(national_number__contains=digits)
        qs = qs.filter(cond)
    if params.get("role"):
        qs = qs.filter(
            role_id=params["role"].pk if hasattr(params["role"], "pk") else params["role"]
        )
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("source"):
        qs = qs.filter(source=params["source"])
    if params.get("expiring"):
        qs = qs & RoleAttribution.objects.expiring_within(30)
    order = SORTS.get(params.get("sort") or "", ("-created_at",))
    return qs.order_by(*order, "-id")


def attribution_for_manager(enterprise_quality, pk: int) -> RoleAttribution | None:
    return (
        RoleAttribution.objects.filter(enterprise_quality=enterprise_quality, pk=pk)
        .select_related("role__application", "person", "granted_by", "ended_by", "enterprise")
        .first()
    )


def attribution_history(attribution: RoleAttribution):
    return AuditEvent.objects.filter(
        target_type=attribution._meta.label_lower, target_id=str(attribution.pk)
    ).order_by("created_at", "id")


def invitations_for_manager(enterprise_quality):
    return (
        # What still needs the manager: not answered yet, failed, or expired (resendable).
        Invitation.objects.filter(
            enterprise_quality=enterprise_quality,
            status__in=[
                Invitation.Status.QUEUED,
                Invitation.Status.SENT,
                Invitation.Status.FAILED,
                Invitation.Status.EXPIRED,
            ],
        )
        .prefetch_related("roles__application")
        .order_by("-created_at")
    )


def links_for_manager(enterprise_quality):
    return (
        AccessLink.objects.filter(enterprise_quality=enterprise_quality)
        .prefetch_related("roles__application")
        .order_by("-created_at")
    )


def pending_requests_for_manager(enterprise_quality):
    return (
        AccessRequest.objects.filter(
            link__enterprise_quality=enterprise_quality, status=AccessRequest.Status.PENDING
        )
        .select_related("person", "link")
        .order_by("created_at")
    )


def attributions_for_person(user):
    return (
        RoleAttribution.objects.filter(person=user)
        .select_related("role__application", "enterprise")
        .order_by("status", "-created_at", "-id")
    )


def own_active_attributions(user):
    return attributions_for_person(user).filter(status=RoleAttribution.Status.ACTIVE)


def history_for_person(user, limit: int = 100):
    ids = [
        str(pk) for pk in RoleAttribution.objects.filter(person=user).values_list("pk", flat=True)
    ]
    return AuditEvent.objects.filter(
        Q(actor=user, action__startswith="role.")
        | Q(actor=user, action__startswith="invitation.")
        | Q(actor=user, action__startswith="link.")
        | Q(target_type="roles.roleattribution", target_id__in=ids)
    ).order_by("-created_at", "-id")[:limit]


def has_role(user, *, enterprise, role_code: str) -> bool:
    """Does this person hold this role for this enterprise right now? (no caching)"""
    if not user.is_authenticated:
        return False
    return (
        RoleAttribution.objects.current(timezone.localdate())
        .filter(person=user, enterprise=enterprise, role__code=role_code)
        .exists()
    )
