"""A manager gives a role directly, or ends it; attributions made for a national number
attach to its account once that number is verified.

`_create_attribution` is the one place an attribution is created, whichever way the role
was given (direct, invitation, link).
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_national_number
from portal import submissions
from portal.audit import Action, audit
from portal.outbox import enqueue
from portal.refusals import Refusal, refusing_invalid
from relying import task_names as relying_task_names
from roles import task_names
from roles.models import AccessLink, Invitation, Role, RoleAttribution, Source
from roles.services.common import (
    _check_period,
    _check_roles_in_scope,
    _hold_mandate,
    _period_under,
)


def _person_for_national_number(national_number: str):
    from accounts.selectors import account_with_verified_number

    if not national_number:
        return None
    # Only a verified number names a person: a declared one may be anybody's.
    person = account_with_verified_number(national_number)
    return person if person is not None and person.is_active else None


def _already_active(*, enterprise, role, person=None, national_number="", mandate=None) -> bool:
    # Held in the enterprise's own right and held under a mandate are counted apart (as
    # the unique constraints do).
    qs = RoleAttribution.objects.active().filter(enterprise=enterprise, role=role, mandate=mandate)
    if person is not None:
        return qs.filter(person=person).exists() or (
            bool(national_number) and qs.filter(national_number=national_number).exists()
        )
    return qs.filter(national_number=national_number).exists()


def _create_attribution(
    *,
    actor,
    enterprise_quality,
    role,
    person,
    national_number: str,
    first_name: str,
    last_name: str,
    email: str,
    valid_until: date | None,
    source: str,
    invitation=None,
    link=None,
    valid_from: date | None = None,
    mandate=None,
) -> RoleAttribution | None:
    """One attribution, or None when the same role is already active for that person.

    Under a mandate the role is the client's (`enterprise` = the mandator), managed in
    the provider's quality, and lies within the mandate's period."""
    enterprise = mandate.mandator if mandate is not None else enterprise_quality.enterprise
    if _already_active(
        enterprise=enterprise,
        role=role,
        person=person,
        national_number=national_number,
        mandate=mandate,
    ):
        return None
    valid_from, valid_until = _period_under(mandate, valid_from, valid_until)
    attribution = RoleAttribution(
        enterprise=enterprise,
        enterprise_quality=enterprise_quality,
        mandate=mandate,
        role=role,
        person=person,
        national_number=national_number or "",
        first_name=first_name,
        last_name=last_name,
        email=email,
        valid_from=valid_from or timezone.localdate(),
        valid_until=valid_until,
        source=source,
        granted_by=actor,
        invitation=invitation,
        link=link,
    )
    with refusing_invalid():
        attribution.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            attribution.save()
    except IntegrityError:  # a concurrent grant of the same role won the race
        return None
    audit(
        actor=actor,
        action=Action.ROLE_ATTRIBUTED,
        enterprise=enterprise,
        target=attribution,
        details={"role": role.code, "source": source}
        | ({"mandate": mandate.pk, "through": mandate.mandatary.number} if mandate else {}),
    )
    return attribution


def attribution_grant_direct(
    *,
    actor,
    enterprise_quality,
    roles: list[Role],
    national_number: str,
    first_name: str,
    last_name: str,
    email: str,
    valid_until: date | None = None,
    valid_from: date | None = None,
    submission_key: str = "",
    mandate=None,
) -> list[RoleAttribution]:
    """Direct attribution by national number; the person is notified by e-mail.

    A future start date makes the attribution active but not yet current (no access
    before that day: `RoleAttribution.objects.current()`). With `mandate`: a provider's
    manager gives the client's roles to the provider's own staff."""
    _check_roles_in_scope(enterprise_quality, roles, mandate)
    with refusing_invalid():
        national_number = normalize_national_number(national_number)
    _check_period(valid_from, valid_until)
    with transaction.atomic():
        claim = submissions.claim(user=actor, key=submission_key)
        _hold_mandate(enterprise_quality, mandate)
        person = _person_for_national_number(national_number)
        created = []
        for role in roles:
            attribution = _create_attribution(
                actor=actor,
                enterprise_quality=enterprise_quality,
                role=role,
                person=person,
                national_number=national_number,
                first_name=first_name,
                last_name=last_name,
                email=email,
                valid_until=valid_until,
                valid_from=valid_from,
                source=Source.DIRECT,
                mandate=mandate,
            )
            if attribution is not None:
                created.append(attribution)
        if not created:
            raise Refusal(_("This person already holds every one of these roles."))
        for attribution in created:
            enqueue(task_names.NOTIFY_ATTRIBUTION, attribution.pk)
        claim.record(attributions=[a.pk for a in created])
    return created


def attribution_end(*, actor, attribution: RoleAttribution, revoke: bool = False) -> None:
    """A manager ends (normal end) or revokes (withdrawn for cause) an attribution."""
    status = RoleAttribution.Status.REVOKED if revoke else RoleAttribution.Status.ENDED
    with transaction.atomic():
        changed = RoleAttribution.objects.filter(
            pk=attribution.pk, status=RoleAttribution.Status.ACTIVE
        ).update(status=status, ended_at=timezone.now(), ended_by=actor, updated_at=timezone.now())
        if not changed:
            raise Refusal(_("This attribution is no longer active."))
        attribution.refresh_from_db()
        audit(
            actor=actor,
            action=Action.ROLE_REVOKED if revoke else Action.ROLE_ENDED,
            enterprise=attribution.enterprise,
            target=attribution,
        )
        enqueue(task_names.NOTIFY_ATTRIBUTION_ENDED, attribution.pk)
        # The application's sessions built on it are told (a revocation event).
        enqueue(relying_task_names.ATTRIBUTIONS_ENDED, attribution.pk)


def _end_under_mandate(actor, attribution: RoleAttribution, *, reason: str, now) -> None:
    """End one role with its mandate, at once: audited, the holder told, the applications'
    sessions built on it revoked."""
    attribution.status = RoleAttribution.Status.ENDED
    attribution.ended_at = now
    attribution.ended_by = actor
    attribution.save(update_fields=["status", "ended_at", "ended_by", "updated_at"])
    audit(
        actor=actor,
        action=Action.ROLE_ENDED,
        enterprise=attribution.enterprise,
        target=attribution,
        details={"mandate": attribution.mandate_id, "reason": reason},
    )
    enqueue(task_names.NOTIFY_ATTRIBUTION_ENDED, attribution.pk)
    enqueue(relying_task_names.ATTRIBUTIONS_ENDED, attribution.pk)


def attributions_end_with_mandate(*, actor, mandate) -> int:
    """The roles given under `mandate`, as it stops: at once when it ended (state ended,
    or the registry stopped a party), or, when it was transferred, on its last day (the
    new provider's staff take over the day after; no gap, no overlap). Pending invitations
    under it are revoked and its links disabled. Called inside the mandate's own
    transaction (mandates.services); the holders are told, and the applications get
    their revocation events. Returns how many attributions ended or were cut."""
    from mandates.models import ClientMandate

    now = timezone.now()
    active = RoleAttribution.objects.active().filter(mandate=mandate).select_related("enterprise")
    touched = 0
    if mandate.state == ClientMandate.State.TRANSFERRED:
        last_day = mandate.end_date
        for attribution in active.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=last_day)):
            if attribution.valid_from > last_day:
                # Due to start after the old provider's last day: it never will.
                _end_under_mandate(actor, attribution, reason="mandate_transferred", now=now)
            else:
                attribution.valid_until = last_day
                attribution.save(update_fields=["valid_until", "updated_at"])
                audit(
                    actor=actor,
                    action=Action.ROLE_ENDED,
                    enterprise=attribution.enterprise,
                    target=attribution,
                    details={
                        "mandate": mandate.pk,
                        "reason": "mandate_transferred",
                        "until": last_day.isoformat(),
                    },
                )
            touched += 1
        # Roles still to be given through them end on the same day; the mandate's own
        # `mandate.transferred` event records why.
        Invitation.objects.pending().filter(mandate=mandate).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=last_day)
        ).update(valid_until=last_day, updated_at=now)
        AccessLink.objects.filter(mandate=mandate).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=last_day)
        ).update(valid_until=last_day, updated_at=now)
        return touched
    for attribution in active:
        _end_under_mandate(actor, attribution, reason="mandate_ended", now=now)
        touched += 1
    for invitation in Invitation.objects.pending().filter(mandate=mandate):
        invitation.status = Invitation.Status.REVOKED
        invitation.save(update_fields=["status", "updated_at"])
        audit(
            actor=actor,
            action=Action.INVITATION_REVOKED,
            enterprise=invitation.enterprise,
            target=invitation,
            details={"mandate": mandate.pk, "reason": "mandate_ended"},
        )
    AccessLink.objects.filter(mandate=mandate, status=AccessLink.Status.ACTIVE).update(
        status=AccessLink.Status.DISABLED, updated_at=now
    )
    return touched


def attributions_attach(*, person) -> int:
    """Attach attributions given by national number before this person had an account.

    Only to a verified number (see `User.verified_national_number`).
    """
    if not person.verified_national_number:
        return 0
    with transaction.atomic():
        pending = list(
            RoleAttribution.objects.filter(
                person__isnull=True, national_number=person.verified_national_number
            ).select_related("enterprise")
        )
        for attribution in pending:
            attribution.person = person
            attribution.save(update_fields=["person", "updated_at"])
            audit(
                actor=person,
                action=Action.ROLE_ATTACHED,
                enterprise=attribution.enterprise,
                target=attribution,
            )
    return len(pending)
