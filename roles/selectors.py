"""Reads of the roles app, scoped by permission. No view filters by hand."""

import functools

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone, translation
from guardian.shortcuts import get_users_with_perms
from modeltranslation.manager import rewrite_order_lookup_key

from enterprises.models import EnterpriseQuality, EnterpriseQualityUserObjectPermission
from portal.db import Statement
from portal.models import AuditEvent
from roles.models import (
    AccessLink,
    AccessRequest,
    Application,
    Invitation,
    InvitationBatch,
    Role,
    RoleAttribution,
)

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
    # The person's direct grants, read from guardian's direct-foreign-key table as
    # `enterprises.access.Access` reads them for the quality's own pages (so the list holds
    # exactly the qualities whose pages open). guardian's `get_objects_for_user` adds the
    # groups' grants (the portal gives none on qualities) with an OR that PostgreSQL answers
    # by filtering all 20,000 activated qualities: 25 ms for a person of one quality.
    granted = EnterpriseQualityUserObjectPermission.objects.filter(
        user=user, permission__codename="manage_roles"
    ).values("content_object_id")
    return (
        EnterpriseQuality.objects.filter(status=EnterpriseQuality.Status.ACTIVE, pk__in=granted)
        .select_related("enterprise", "quality")
        .order_by("enterprise__name", "quality__position")
    )


def managed_provider_qualities(user):
    """The managed qualities that receive mandates (some group asks a mandatary for them)."""
    from roles.models import ApplicationGroup

    asked = ApplicationGroup.objects.filter(is_available=True).values("mandatary_qualities")
    return managed_qualities(user).filter(quality_id__in=asked)


def roles_for_quality(enterprise_quality):
    return Role.objects.for_quality(enterprise_quality.quality_id).select_related("application")


def roles_offered(enterprise_quality, mandate=None):
    """The roles a form of giving roles offers: the quality's own, or under a mandate the
    client's roles of its group (`Role.objects.offered`, the rule the services check)."""
    return (
        Role.objects.offered(enterprise_quality, mandate)
        .select_related("application")
        .order_by("application__name", "name")
    )


def roles_for_list(enterprise_quality, *, with_clients: bool = False):
    """The role filter of the manager's list: the quality's own roles and, for a provider
    quality, the roles of the groups it receives mandates for."""
    if not with_clients:
        return roles_for_quality(enterprise_quality)
    return (
        Role.objects.available()
        .filter(
            Q(application__quality=enterprise_quality.quality_id)
            | Q(application__groups__mandatary_qualities=enterprise_quality.quality_id)
        )
        .distinct()
        .select_related("application")
        .order_by("application__name", "name")
    )


# A role with its application, every column of both, as `select_related("application")`.
_ROLE_FIELDS = [field.attname for field in Role._meta.concrete_fields]
_APPLICATION_FIELDS = [field.attname for field in Application._meta.concrete_fields]


def _quality_roles(quality, *, language: str):
    # A plain QuerySet: modeltranslation's would write one language's column for `name` in
    # values_list (and lose the columns' order). The ordering is the catalogue's (Role.Meta)
    # as modeltranslation writes it for Role.objects: the language's own columns.
    with translation.override(language):
        ordering = [rewrite_order_lookup_key(Role, key) for key in Role._meta.ordering]
    return (
        QuerySet(Role)
        .filter(application__quality_id=quality)
        .order_by(*ordering)
        .values_list(*_ROLE_FIELDS, *(f"application__{name}" for name in _APPLICATION_FIELDS))
    )


@functools.cache
def _quality_roles_statement(language: str) -> Statement:
    # The manager's list reads them on every request (the filter's choices, the sort by
    # role): compiled once per process and language and prepared (portal.db), instead of
    # two ORM queries built on each request.
    return Statement(functools.partial(_quality_roles, language=language), quality=-918_273_643)


def quality_roles(enterprise_quality) -> list[Role]:
    """Every role of the quality (available or not) with its application, in the catalogue's
    order: read once per request (kept on the activated quality loaded for it)."""
    cached = enterprise_quality.__dict__.get("_quality_roles")
    if cached is not None:
        return cached
    using, split = Role.objects.db, len(_ROLE_FIELDS)
    roles = []
    statement = _quality_roles_statement(translation.get_language() or settings.LANGUAGE_CODE)
    for row in statement.rows(quality=enterprise_quality.quality_id):
        role = Role.from_db(using, _ROLE_FIELDS, row[:split])
        role.application = Application.from_db(using, _APPLICATION_FIELDS, row[split:])
        roles.append(role)
    enterprise_quality.__dict__["_quality_roles"] = roles
    return roles


def role_choices(enterprise_quality) -> list[Role]:
    """The roles a manager may give or filter by: those of `roles_for_quality`, read with
    `quality_roles` (the same rule as `RoleQuerySet.available`, on the rows read)."""
    return [
        role
        for role in quality_roles(enterprise_quality)
        if role.is_available and role.application.is_available
    ]


def attributions_for_manager(enterprise_quality, *, params: dict | None = None):
    """The manager's list: search, filters and sorting from (validated) query params, each
    row with its role, application and mandate (the CSV export)."""
    return attributions_listed(enterprise_quality, params=params).select_related(
        "role__application"
    )


def attributions_listed(enterprise_quality, *, params: dict | None = None):
    """The manager's list as its pages read it: the rows of `attributions_for_manager`
    without their roles, which `with_roles` puts on a page's rows from the quality's own
    (read once for the page's filter). Joining them built a role and an application for
    every row of the page, the same few again and again: half of reading the page."""
    params = params or {}
    # The rows show the person's name as written on the attribution and whether an account
    # is linked (`person_id`): the account itself is not joined.
    qs = RoleAttribution.objects.filter(enterprise_quality=enterprise_quality).select_related(
        "mandate__mandator"
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
    client = "".join(c for c in (params.get("client") or "") if c.isdigit())
    if client:
        # Under a mandate, the client is the enterprise acted for (a provider's own roles
        # have no mandate and never match).
        qs = qs.filter(mandate__isnull=False, enterprise__number=client)
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("source"):
        qs = qs.filter(source=params["source"])
    if params.get("expiring"):
        qs = qs & RoleAttribution.objects.expiring_within(30)
    sort = params.get("sort") or ""
    if sort in ("role", "-role"):
        # By application and role name without joining every row: the quality's few roles
        # ranked (quality_roles, read once for the page), then a CASE on role_id (index
        # roles_attr_eq_role; long lists are paged by role instead: attributions_ranking).
        ranks = [role.pk for role in quality_roles(enterprise_quality)]
        rank = Case(
            *[When(role_id=pk, then=Value(i)) for i, pk in enumerate(ranks)],
            default=Value(len(ranks)),
            output_field=IntegerField(),
        )
        return qs.order_by(rank.desc() if sort == "-role" else rank.asc(), "-id")
    order = SORTS.get(sort, ("-created_at",))
    return qs.order_by(*order, "-id")


def with_roles(enterprise_quality, attributions: list) -> list:
    """`attributions` (rows of `attributions_listed`) with their roles and applications:
    the quality's own from `quality_roles`, any other (a client's, under a mandate) read in
    one query, only when a row holds one."""
    roles = {role.pk: role for role in quality_roles(enterprise_quality)}
    missing = {a.role_id for a in attributions} - roles.keys()
    if missing:
        roles.update(
            (role.pk, role)
            for role in Role.objects.filter(pk__in=missing).select_related("application")
        )
    for attribution in attributions:
        attribution.role = roles[attribution.role_id]
    return attributions


# The roles of every other quality, by id: a list the planner probes the index with (as a
# subquery, PostgreSQL chose to walk every attribution backwards by id).
_OTHER_ROLES = Statement(
    lambda quality: (
        Role.objects.exclude(application__quality_id=quality).order_by("pk").values_list("pk")
    ),
    quality=-918_273_642,
)


def attributions_ranking(enterprise_quality, *, params: dict | None = None):
    """For `TwoEndedPaginator(ranked=…)`: the groups the manager's list is ordered by (the
    role sort: each role of the quality in turn, then any other), or None."""
    sort = (params or {}).get("sort") or ""
    if sort not in ("role", "-role"):
        return None
    # As attributions_for_manager orders them: the rank ascending or descending, then -id;
    # a role of another quality ranks after the quality's own (its rows read by the roles'
    # index, not by filtering every attribution).
    groups = [role.pk for role in quality_roles(enterprise_quality)]
    groups.append([pk for (pk,) in _OTHER_ROLES.rows(quality=enterprise_quality.quality_id)])
    return ("role_id", groups[::-1] if sort == "-role" else groups)


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
        .select_related("mandate__mandator")
        .prefetch_related("roles__application")
        .order_by("-created_at")
    )


def links_for_manager(enterprise_quality, *, mandate=None):
    """The quality's links (each saying its client when it has a mandate); with `mandate`,
    the links for that client only."""
    qs = AccessLink.objects.filter(enterprise_quality=enterprise_quality)
    if mandate is not None:
        qs = qs.filter(mandate=mandate)
    return (
        qs.select_related("mandate__mandator")
        # The pending requests hold places of `uses` (docs/DESIGN.md): the page says how many.
        .annotate(
            pending_count=Count("requests", filter=Q(requests__status=AccessRequest.Status.PENDING))
        )
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


def _count_of(queryset):
    # COUNT(*) of a queryset as a scalar subquery (0 when it has no row).
    counted = queryset.order_by().values(one=Value(1)).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted), 0)


def _waiting_counts(enterprise_quality):
    return EnterpriseQuality.objects.filter(pk=enterprise_quality).values_list(
        _count_of(invitations_for_manager(OuterRef("pk"))),
        _count_of(pending_requests_for_manager(OuterRef("pk"))),
    )


# The list's notice of what waits for the manager: both counts in one prepared statement
# (portal.db), from the selectors above, instead of two queries built on each request.
_WAITING_COUNTS = Statement(_waiting_counts, enterprise_quality=-918_273_647)


def waiting_for_manager(enterprise_quality) -> tuple[int, int]:
    """(invitations still needing the manager, access requests waiting for approval)."""
    invitations, requests = _WAITING_COUNTS.rows(enterprise_quality=enterprise_quality.pk)[0]
    return invitations, requests


def attributions_for_person(user):
    return (
        RoleAttribution.objects.filter(person=user)
        .select_related("role__application", "enterprise", "mandate__mandatary")
        .order_by("status", "-created_at", "-id")
    )


def own_active_attributions(user):
    return attributions_for_person(user).filter(status=RoleAttribution.Status.ACTIVE)


def history_for_person(user, limit: int = 100) -> list[AuditEvent]:
    """What the person did with roles, and what was done to their attributions, newest first.

    Two bounded queries merged here rather than one with OR: with the OR, PostgreSQL walks
    the whole audit trail backwards for a person with little history, and an IN list of
    every attribution id costs milliseconds of query building per thousand attributions.
    Apart, each uses its index (actor; target type and id, joined to the attributions).
    """
    own = AuditEvent.objects.filter(actor=user).filter(
        Q(action__startswith="role.")
        | Q(action__startswith="invitation.")
        | Q(action__startswith="link.")
    )
    attribution_ids = (
        RoleAttribution.objects.filter(person=user)
        .order_by()
        .annotate(target=Cast("pk", CharField()))
        .values("target")
    )
    about = AuditEvent.objects.filter(
        target_type="roles.roleattribution", target_id__in=attribution_ids
    )
    events = {
        event.pk: event
        for queryset in (own, about)
        for event in queryset.order_by("-created_at", "-id")[:limit]
    }
    return sorted(events.values(), key=lambda e: (e.created_at, e.pk), reverse=True)[:limit]


def has_role(user, *, enterprise, role_code: str) -> bool:
    """Does this person hold this role for this enterprise right now? (no caching)"""
    if not user.is_authenticated:
        return False
    return (
        RoleAttribution.objects.current(timezone.localdate())
        .filter(person=user, enterprise=enterprise, role__code=role_code)
        .exists()
    )


def batch_progress(batch: InvitationBatch) -> dict:
    counts = dict(
        Invitation.objects.filter(batch=batch)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    total = sum(counts.values())
    # Invitations being sent right now are still waiting, as far as the progress bar goes.
    queued = counts.get(Invitation.Status.QUEUED, 0) + counts.get(Invitation.Status.SENDING, 0)
    failed = counts.get(Invitation.Status.FAILED, 0)
    return {
        "total": total,
        "queued": queued,
        "failed": failed,
        "sent": total - queued - failed,
        "done": total - queued,
        "finished": queued == 0,
    }


def managers_of(enterprise_quality) -> list:
    """The active people who manage this quality's roles: whom a notice goes to."""
    users = get_users_with_perms(
        enterprise_quality, only_with_perms_in=["manage_roles"], with_superusers=False
    )
    return [u for u in users if u.is_active]
