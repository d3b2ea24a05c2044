"""Reads of mandates between enterprises. No view filters by hand.

`in_effect_for` is the one question the applications' side asks ("the mandates under which
provider P acts for client C in group G on day D"): the capacity screen, the claims and the
decision API build on it, never on their own filter.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from guardian.shortcuts import get_objects_for_user

from enterprises import chain
from enterprises.models import Designation, Enterprise
from mandates import rules
from mandates.models import ClientMandate, ProposalBatch, ProposalRow
from portal import db
from portal.models import AuditEvent
from roles.models import ApplicationGroup

Side = rules.Side

# "Ending soon" on the lists: an active mandate whose end date falls within these days.
ENDING_SOON_DAYS = 90


def in_effect_for(
    *,
    mandatary: Enterprise,
    mandator: Enterprise | None = None,
    group: ApplicationGroup | None = None,
    application=None,
    on: date | None = None,
):
    """The mandates in effect on `on` (today) under which `mandatary` acts: for one mandator
    and one group (or application of a group) when given. `ClientMandate.objects.in_effect`
    is the rule; this narrows it."""
    qs = ClientMandate.objects.in_effect(on).filter(mandatary=mandatary)
    if mandator is not None:
        qs = qs.filter(mandator=mandator)
    if group is not None:
        qs = qs.filter(group=group)
    if application is not None:
        qs = qs.filter(group__applications=application)
    return qs.select_related("mandator", "mandatary", "group")


def workable_by(enterprise_quality, *, on: date | None = None):
    """The mandates under which the local managers of this activated quality give their
    own staff roles for clients: holding and not over on `on` (one that starts later may be
    prepared: its roles count from its start), received by the quality's enterprise, for a
    group that asks the mandatary for this quality, between enterprises still active and
    registered. The scope of every "act for a client" page and service."""
    return (
        ClientMandate.objects.holding()
        .not_over(on)
        .between_active_parties()
        .filter(
            mandatary_id=enterprise_quality.enterprise_id,
            group__mandatary_qualities=enterprise_quality.quality_id,
        )
    )


def groups():
    return ApplicationGroup.objects.filter(is_available=True).order_by("position", "code")


def managed_enterprises(user):
    """The enterprises whose mandates this person manages (RAE or co-RAE there)."""
    if not user.is_authenticated:
        return Enterprise.objects.none()
    return get_objects_for_user(
        user,
        "enterprises.manage_enterprise",
        Enterprise.objects.all(),
        accept_global_perms=False,
        with_superuser=False,
    ).order_by("name", "pk")


def mandates_for_enterprise(enterprise: Enterprise, *, side: Side, params: dict | None = None):
    """One side's list: as client (`side` mandator: my providers) or as provider (my
    clients), searched by the other party's number or name, filtered by group, state and
    "ending soon". Ordered newest first with "-id" last, a total order the two-ended paging
    reads from both ends (index `mandates_<side>_created`)."""
    params = params or {}
    own, other = ("mandator", "mandatary") if side is Side.MANDATOR else ("mandatary", "mandator")
    qs = ClientMandate.objects.filter(**{own: enterprise}).select_related(
        "mandator", "mandatary", "group"
    )
    q = (params.get("q") or "").strip()
    if q:
        digits = "".join(c for c in q if c.isdigit())
        condition = Q(**{f"{other}__name__icontains": q})
        if len(digits) >= 4 and len(digits) == len(q.replace(".", "").replace(" ", "")):
            condition |= Q(**{f"{other}__number__contains": digits})
        qs = qs.filter(condition)
    if params.get("group"):
        qs = qs.filter(group=params["group"])
    if params.get("state"):
        qs = qs.filter(state=params["state"])
    if params.get("ending"):
        qs = qs & ClientMandate.objects.ending_within(ENDING_SOON_DAYS)
    return qs.order_by("-created_at", "-id")


def mandate_of(enterprise: Enterprise, pk: int) -> ClientMandate | None:
    """A mandate `enterprise` is a party to, or None."""
    return (
        ClientMandate.objects.filter(Q(mandator=enterprise) | Q(mandatary=enterprise), pk=pk)
        .select_related(
            "mandator",
            "mandatary",
            "group",
            "proposed_by",
            "answered_by",
            "ended_by",
            "transfer_of__mandatary",
        )
        .first()
    )


def mandate_history(mandate: ClientMandate):
    return AuditEvent.objects.filter(
        target_type=mandate._meta.label_lower, target_id=str(mandate.pk)
    ).order_by("created_at", "id")


def pending_transfers(mandate: ClientMandate):
    return mandate.transfers.filter(state=rules.PROPOSED).select_related("mandatary")


def both_ways(enterprise: Enterprise, *, limit: int = 50) -> dict:
    """The contact centre's read-only view: the enterprise's mandates as client and as
    provider (the most recent `limit` of each, and how many there are)."""
    result = {}
    for side in Side:
        qs = mandates_for_enterprise(enterprise, side=side)
        result[side.value] = {"rows": list(qs[:limit]), "count": qs.count()}
    return result


def access_managers_of(enterprise: Enterprise) -> list[tuple[str, str]]:
    """(address, language) of the enterprise's active RAE and co-RAEs: whom mandate e-mails
    go to. The kinds are the chain table's that manage the enterprise."""
    kinds = [rule.kind for rule in chain.RULES.values() if "manage_enterprise" in rule.grants]
    rows = (
        Designation.objects.active()
        .filter(enterprise=enterprise, kind__in=kinds)
        .select_related("person")
        .order_by("kind", "pk")
    )
    recipients = []
    for designation in rows:
        person = designation.person
        email = person.email if person else designation.email
        language = (person.language if person else "") or designation.language
        recipients.append((email, language))
    return recipients


# --- Working under mandates: the provider's clients, who acts for the mandator -------------


def _people_under(mandate_ref, enterprise_quality=None):
    """How many people hold an active role under the mandate (a person by their national
    number, else the address the role was given to), as a scalar subquery."""
    from roles.models import RoleAttribution

    rows = RoleAttribution.objects.active().filter(mandate=mandate_ref)
    if enterprise_quality is not None:
        rows = rows.filter(enterprise_quality=enterprise_quality)
    counted = (
        rows.order_by()
        .annotate(who=Coalesce(NullIf("national_number", Value("")), "email"))
        .values("mandate")
        .annotate(n=Count("who", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def clients_of(enterprise_quality, *, params: dict | None = None):
    """The provider's clients page: the mandates this quality works under
    (`workable_by`), searched by the client's number or name, filtered by group and
    "ending soon", each with how many of the quality's staff hold roles under it. Newest
    first with "-id" last, the total order the two-ended paging reads from both ends (index
    `mandates_mandatary_created`); the count is a subquery, evaluated for the page's rows."""
    params = params or {}
    qs = workable_by(enterprise_quality).select_related("mandator", "group")
    q = (params.get("q") or "").strip()
    if q:
        digits = "".join(c for c in q if c.isdigit())
        condition = Q(mandator__name__icontains=q)
        if len(digits) >= 4 and len(digits) == len(q.replace(".", "").replace(" ", "")):
            condition |= Q(mandator__number__contains=digits)
        qs = qs.filter(condition)
    if params.get("group"):
        qs = qs.filter(group=params["group"])
    if params.get("ending"):
        qs = qs & ClientMandate.objects.ending_within(ENDING_SOON_DAYS)
    return qs.annotate(staff_count=_people_under(OuterRef("pk"), enterprise_quality.pk)).order_by(
        "-created_at", "-id"
    )


def groups_for_quality(enterprise_quality):
    """The groups whose mandates this (provider) quality receives: the clients page's
    filter."""
    return groups().filter(mandatary_qualities=enterprise_quality.quality_id)


def _asking_groups(quality):
    return (
        ApplicationGroup.objects.filter(is_available=True, mandatary_qualities=quality)
        .order_by()
        .values_list("pk")[:1]
    )


# Every page of a manager's list, invitation and attribution asks it: compiled once per
# process and prepared (portal.db), as the other reads of those pages.
_ASKING_GROUP = db.Statement(_asking_groups, quality=-918_273_641)


def works_under_mandates(enterprise_quality) -> bool:
    """Does some group's mandate ask the mandatary for this quality (a provider quality)?"""
    return bool(_ASKING_GROUP.rows(quality=enterprise_quality.quality_id))


def acting_for(mandate: ClientMandate):
    """The mandator's view: who acts for it under this mandate now (the active roles given
    under it: the holder's name and the role, nothing of who in the provider gave them).
    Ordered by name with "-id" last (a total order for the two-ended paging)."""
    from roles.models import RoleAttribution

    return (
        RoleAttribution.objects.active()
        .filter(mandate=mandate)
        .select_related("role__application")
        .order_by("last_name", "first_name", "-id")
    )


def staff_under(mandate: ClientMandate) -> int:
    """How many of the provider's people hold roles under this mandate now."""
    return (
        ClientMandate.objects.filter(pk=mandate.pk)
        .values_list(_people_under(OuterRef("pk")), flat=True)
        .first()
        or 0
    )


def role_managers_under(mandate: ClientMandate) -> list[tuple[object, str, str]]:
    """(activated quality, address, language) of the local managers of the provider's
    qualities that hold roles under this mandate (whatever their state now: when the
    mandate ends they were just ended): whom its end or transfer is told to, besides the
    access managers."""
    from enterprises.models import EnterpriseQuality
    from roles.models import RoleAttribution
    from roles.selectors import managers_of

    held = RoleAttribution.objects.filter(mandate=mandate).values("enterprise_quality_id")
    recipients = []
    for eq in (
        EnterpriseQuality.objects.filter(pk__in=held)
        .select_related("enterprise", "quality")
        .order_by("pk")
    ):
        for user in managers_of(eq):
            recipients.append((eq, user.email, user.language))
    return recipients


# --- Files of proposals, and the proposals waiting for an answer ------------------------------


def batch_of(enterprise: Enterprise, pk: int) -> ProposalBatch | None:
    """A file of proposals sent from `enterprise`, or None."""
    return (
        ProposalBatch.objects.filter(enterprise=enterprise, pk=pk)
        .select_related("enterprise", "created_by")
        .first()
    )


def batch_rows(batch: ProposalBatch, *, statuses=None):
    """The batch's rows in the file's order (those in `statuses` when given)."""
    qs = ProposalRow.objects.filter(batch=batch).select_related("client", "group", "mandate")
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("line")


def batch_progress(batch: ProposalBatch) -> dict:
    """The real counts of the work, read from the rows (one query): of the rows to propose
    (`total`), how many are done (proposed or refused), proposed, refused, still waiting."""
    Status = ProposalRow.Status
    counts = dict(
        ProposalRow.objects.filter(batch=batch)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    proposed = counts.get(Status.PROPOSED, 0)
    refused = counts.get(Status.REFUSED, 0)
    waiting = counts.get(Status.PENDING, 0)
    return {
        "total": proposed + refused + waiting,
        "done": proposed + refused,
        "proposed": proposed,
        "refused": refused,
        "waiting": waiting,
        "invalid": counts.get(Status.INVALID, 0),
        "finished": batch.status == ProposalBatch.Status.DONE,
    }


def awaiting_answer(enterprise: Enterprise, *, ids=None):
    """The proposals waiting for this enterprise's answer: proposed by the other side (as
    client, the providers' proposals; as provider, the clients'), oldest first, so that
    "validate all" takes them in the order they came. `ids` narrows to those chosen."""
    qs = (
        ClientMandate.objects.filter(state=rules.PROPOSED)
        .filter(
            Q(mandator=enterprise, proposed_by_side=Side.MANDATARY.value)
            | Q(mandatary=enterprise, proposed_by_side=Side.MANDATOR.value)
        )
        .select_related("mandator", "mandatary", "group", "proposed_by")
    )
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.order_by("created_at", "id")
