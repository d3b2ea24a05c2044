"""Published links: a manager creates or disables one; a signed-in person who follows it
gets the roles at once, or a request the manager approves or rejects.
"""

import secrets
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import submissions
from portal.audit import Action, audit
from portal.outbox import enqueue
from portal.refusals import Refusal, refusing_invalid
from roles import task_names
from roles.models import AccessLink, AccessRequest, Role, RoleAttribution, Source
from roles.periods import link_expiry_error
from roles.services.attributions import _create_attribution
from roles.services.common import _check_period, _check_roles_in_scope, _hold_mandate


def link_create(
    *,
    actor,
    enterprise_quality,
    label: str,
    roles: list[Role],
    expires_at,
    max_uses: int,
    requires_approval: bool,
    valid_until: date | None = None,
    submission_key: str = "",
    mandate=None,
) -> AccessLink:
    """A link to publish; with `mandate`, the provider's staff who follow it act for the
    mandate's client (the roles are the client's)."""
    _check_roles_in_scope(enterprise_quality, roles, mandate)
    _check_period(valid_until=valid_until)
    if expires_at <= timezone.now():
        raise Refusal(_("The link's expiry must be in the future."))
    expiry_error = link_expiry_error(timezone.localdate(expires_at))
    if expiry_error:
        raise Refusal(expiry_error)
    with transaction.atomic():
        claim = submissions.claim(user=actor, key=submission_key)
        _hold_mandate(enterprise_quality, mandate)
        link = AccessLink(
            enterprise_quality=enterprise_quality,
            mandate=mandate,
            created_by=actor,
            label=label,
            slug=secrets.token_urlsafe(24),  # 192 random bits
            expires_at=expires_at,
            max_uses=max_uses,
            requires_approval=requires_approval,
            valid_until=valid_until,
        )
        with refusing_invalid():
            link.full_clean()
        link.save()
        link.roles.set(roles)
        audit(
            actor=actor,
            action=Action.LINK_CREATED,
            enterprise=enterprise_quality.enterprise,
            target=link,
            details={"roles": [r.code for r in roles], "max_uses": max_uses},
        )
        claim.record(link=link.pk)
    return link


def link_disable(*, actor, link: AccessLink) -> None:
    with transaction.atomic():
        AccessLink.objects.filter(pk=link.pk).update(
            status=AccessLink.Status.DISABLED, updated_at=timezone.now()
        )
        audit(
            actor=actor,
            action=Action.LINK_DISABLED,
            enterprise=link.enterprise_quality.enterprise,
            target=link,
        )


def _grant_from_link(*, link: AccessLink, person) -> list[RoleAttribution]:
    _hold_mandate(link.enterprise_quality, link.mandate)
    created = []
    for role in link.roles.all():
        attribution = _create_attribution(
            actor=link.created_by,
            enterprise_quality=link.enterprise_quality,
            role=role,
            person=person,
            national_number=person.verified_national_number or "",
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
            valid_until=link.valid_until,
            source=Source.LINK,
            link=link,
            mandate=link.mandate,
        )
        if attribution is not None:
            created.append(attribution)
    return created


def link_use(*, actor, link: AccessLink) -> AccessRequest | list[RoleAttribution]:
    """A signed-in person follows a link: the roles now, or a request for approval."""
    with transaction.atomic():
        if link.requires_approval:
            # The link's row locked first: a second click of the same person waits for the
            # first one's transaction, then finds its request (a double click is refused as
            # any second request is, not by the database's unique constraint).
            AccessLink.objects.select_for_update().filter(pk=link.pk).first()
            if AccessRequest.objects.filter(
                link=link, person=actor, status=AccessRequest.Status.PENDING
            ).exists():
                raise Refusal(_("Your request is already waiting for the manager's approval."))
        # The guarded increment is the use limit, whatever concurrent clicks do.
        taken = AccessLink.objects.filter(
            pk=link.pk,
            status=AccessLink.Status.ACTIVE,
            expires_at__gt=timezone.now(),
            uses__lt=F("max_uses"),
        ).update(uses=F("uses") + 1)
        if not taken:
            link.refresh_from_db(fields=["status", "expires_at", "uses", "max_uses"])
            raise Refusal(link.refusal or _("This link has reached its limit of uses."))
        enterprise = link.enterprise_quality.enterprise
        if link.requires_approval:
            request = AccessRequest.objects.create(link=link, person=actor)
            audit(actor=actor, action=Action.LINK_REQUESTED, enterprise=enterprise, target=request)
            enqueue(task_names.NOTIFY_ACCESS_REQUEST, request.pk)
            return request
        created = _grant_from_link(link=link, person=actor)
        if not created:
            raise Refusal(_("You already hold these roles."))
        audit(actor=actor, action=Action.LINK_USED, enterprise=enterprise, target=link)
        return created


def access_request_decide(*, actor, access_request: AccessRequest, approve: bool) -> None:
    status = AccessRequest.Status.APPROVED if approve else AccessRequest.Status.REJECTED
    with transaction.atomic():
        changed = AccessRequest.objects.filter(
            pk=access_request.pk, status=AccessRequest.Status.PENDING
        ).update(status=status, decided_by=actor, decided_at=timezone.now())
        if not changed:
            raise Refusal(_("This request was already decided."))
        link = access_request.link
        if approve:
            _grant_from_link(link=link, person=access_request.person)
        else:
            # A refused request gives its use back (docs/DESIGN.md). The guarded status change
            # above lets one decision through, so this runs once per request; F() keeps
            # concurrent uses and refusals exact, and the check constraint the bound.
            AccessLink.objects.filter(pk=link.pk, uses__gt=0).update(
                uses=F("uses") - 1, updated_at=timezone.now()
            )
        audit(
            actor=actor,
            action=Action.LINK_REQUEST_APPROVED if approve else Action.LINK_REQUEST_REJECTED,
            enterprise=link.enterprise_quality.enterprise,
            target=access_request,
        )
        enqueue(task_names.NOTIFY_ACCESS_DECISION, access_request.pk)
