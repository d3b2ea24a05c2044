"""Invitation e-mails: created, resent, revoked by a manager; accepted or declined by the
invited person (single use), who may ask for a new link once it expired.

Sending is `roles/delivery.py`'s job: these services queue the invitations for it.
"""

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import submissions
from portal.audit import Action, audit
from portal.languages import default_language
from portal.outbox import enqueue
from portal.refusals import Refusal, refusing_invalid
from roles import delivery, task_names
from roles.models import Invitation, Role, RoleAttribution, Source
from roles.services.attributions import _create_attribution
from roles.services.common import _check_period, _check_roles_in_scope, _hold_mandate
from roles.services.rate_limits import _check_and_count_invitations


@dataclass
class Invitee:
    first_name: str
    last_name: str
    email: str
    national_number: str = ""
    language: str = ""


def _language_for(email: str, fallback: str) -> str:
    from accounts.models import User

    user = User.objects.filter(email__iexact=email).only("language").first()
    return user.language if user else fallback


def invitations_create(
    *,
    actor,
    enterprise_quality,
    roles: list[Role],
    invitees: list[Invitee],
    valid_until: date | None = None,
    message: str = "",
    language: str = "",
    submission_key: str = "",
    mandate=None,
) -> list[Invitation]:
    """With `mandate`: a provider's manager invites its own staff to act for the
    mandate's client (the roles are the client's, the invitation the client's too)."""
    from enterprises.models import EnterpriseQuality

    _check_roles_in_scope(enterprise_quality, roles, mandate)
    _check_period(valid_until=valid_until)
    if not invitees:
        raise Refusal(_("Add at least one person to invite."))
    created = []
    with transaction.atomic():
        # First the key (a repeated form counts nothing against the limits), then the
        # quality's row lock: two managers inviting the same person at once run one after
        # the other, so the second finds the first's invitation open.
        claim = submissions.claim(user=actor, key=submission_key)
        EnterpriseQuality.objects.select_for_update().filter(pk=enterprise_quality.pk).first()
        _hold_mandate(enterprise_quality, mandate)
        _check_not_invited(enterprise_quality, roles, invitees, mandate)
        _check_and_count_invitations(
            actor=actor, enterprise=enterprise_quality.enterprise, count=len(invitees)
        )
        for invitee in invitees:
            invitation = Invitation(
                enterprise=mandate.mandator if mandate else enterprise_quality.enterprise,
                enterprise_quality=enterprise_quality,
                mandate=mandate,
                invited_by=actor,
                first_name=invitee.first_name,
                last_name=invitee.last_name,
                email=invitee.email,
                national_number=invitee.national_number or "",
                language=invitee.language
                or _language_for(invitee.email, language or default_language()),
                message=message,
                valid_until=valid_until,
            )
            with refusing_invalid():
                invitation.full_clean(exclude=["token_hash"])
            invitation.save()
            invitation.roles.set(roles)
            audit(
                actor=actor,
                action=Action.INVITATION_CREATED,
                enterprise=invitation.enterprise,
                target=invitation,
                details={"roles": [r.code for r in roles], "email": invitee.email},
            )
            created.append(invitation)
        delivery.enqueue_delivery([invitation.pk for invitation in created])
        claim.record(invitations=[invitation.pk for invitation in created])
    return created


def _check_not_invited(enterprise_quality, roles, invitees: list[Invitee], mandate=None) -> None:
    """Refuse to invite a person again to the same roles while that invitation is open:
    the manager resends it instead (a new link, the old one stops working)."""
    wanted = frozenset(role.pk for role in roles)
    already = _already_invited(
        enterprise_quality,
        mandate,
        [(invitee.email, invitee.national_number or "", wanted) for invitee in invitees],
    )
    if already:
        raise Refusal(_already_invited_message(already))


def _already_invited(enterprise_quality, mandate, people) -> set[tuple[str, str]]:
    """The (e-mail, national number) of each of `people` ((e-mail, national number, role
    ids) each) whom an open invitation of this quality (and mandate) already invites to
    exactly those roles: the rule of the invitation form and of the CSV upload alike."""
    wanted = {(email.lower(), number): role_ids for email, number, role_ids in people}
    if not wanted:
        return set()
    open_ones = (
        Invitation.objects.filter(
            enterprise_quality=enterprise_quality,
            mandate=mandate,
            email__in=sorted({email for email, _number in wanted}),
            status__in=[
                Invitation.Status.QUEUED,
                Invitation.Status.SENDING,
                Invitation.Status.SENT,
                Invitation.Status.FAILED,
            ],
        )
        .exclude(status=Invitation.Status.SENT, expires_at__lte=timezone.now())
        .prefetch_related("roles")
    )
    return {
        key
        for invitation in open_ones
        if wanted.get(key := (invitation.email.lower(), invitation.national_number))
        == frozenset(role.pk for role in invitation.roles.all())
    }


def _already_invited_message(found) -> str:
    emails = sorted({email for email, _number in found})
    return _(
        "An invitation to these roles is still open for %(emails)s: resend it from "
        "“Pending invitations” instead."
    ) % {"emails": ", ".join(emails)}


def invitation_resend(*, actor, invitation: Invitation) -> None:
    """Queue a new link (the token rotates when it is sent: the old link stops working)."""
    if not invitation.can_be_resent:
        raise Refusal(_("This invitation can no longer be resent."))
    _check_and_count_invitations(
        actor=actor, enterprise=invitation.enterprise_quality.enterprise, count=1
    )
    with transaction.atomic():
        changed = Invitation.objects.filter(
            pk=invitation.pk, status__in=[s for s in Invitation.Status if _resendable(s)]
        ).update(
            status=Invitation.Status.QUEUED,
            attempts=0,
            last_error="",
            expires_at=None,
            updated_at=timezone.now(),
        )
        if not changed:
            raise Refusal(_("This invitation can no longer be resent."))
        audit(
            actor=actor,
            action=Action.INVITATION_RESENT,
            enterprise=invitation.enterprise,
            target=invitation,
        )
        delivery.enqueue_delivery([invitation.pk])


def _resendable(status) -> bool:
    return status in {
        Invitation.Status.SENT,
        Invitation.Status.FAILED,
        Invitation.Status.EXPIRED,
        Invitation.Status.QUEUED,
    }


def invitation_revoke(*, actor, invitation: Invitation) -> None:
    with transaction.atomic():
        changed = Invitation.objects.filter(
            pk=invitation.pk,
            status__in=[
                Invitation.Status.QUEUED,
                Invitation.Status.SENDING,
                Invitation.Status.SENT,
                Invitation.Status.FAILED,
            ],
        ).update(
            status=Invitation.Status.REVOKED,
            claimed_by="",
            resume_after=None,
            updated_at=timezone.now(),
        )
        if not changed:
            raise Refusal(_("This invitation can no longer be revoked."))
        audit(
            actor=actor,
            action=Action.INVITATION_REVOKED,
            enterprise=invitation.enterprise,
            target=invitation,
        )


def _check_invitee(actor, invitation: Invitation) -> None:
    from roles.permissions import invitation_not_for

    if invitation_not_for(actor, invitation) is not None:
        raise Refusal(
            _(
                "This invitation is for someone else: sign in with the account of the "
                "invited person."
            )
        )


def invitation_accept(*, actor, invitation: Invitation) -> list[RoleAttribution]:
    """Single use: a guarded state change decides which of two concurrent clicks wins."""
    _check_invitee(actor, invitation)
    now = timezone.now()
    with transaction.atomic():
        won = Invitation.objects.filter(
            pk=invitation.pk,
            token_hash=invitation.token_hash,
            status=Invitation.Status.SENT,
            expires_at__gt=now,
        ).update(
            status=Invitation.Status.ACCEPTED, accepted_by=actor, accepted_at=now, updated_at=now
        )
        if not won:
            raise Refusal(_("This invitation can no longer be accepted."))
        # Under a mandate that ended since it was sent: refused, and nothing accepted.
        _hold_mandate(invitation.enterprise_quality, invitation.mandate)
        created = []
        for role in invitation.roles.all():
            attribution = _create_attribution(
                actor=invitation.invited_by,
                enterprise_quality=invitation.enterprise_quality,
                role=role,
                person=actor,
                national_number=actor.verified_national_number or "",
                first_name=actor.first_name or invitation.first_name,
                last_name=actor.last_name or invitation.last_name,
                email=invitation.email,
                valid_until=invitation.valid_until,
                source=Source.INVITATION,
                invitation=invitation,
                mandate=invitation.mandate,
            )
            if attribution is not None:
                created.append(attribution)
        audit(
            actor=actor,
            action=Action.INVITATION_ACCEPTED,
            enterprise=invitation.enterprise,
            target=invitation,
            details={"attributions": [a.pk for a in created]},
        )
    return created


def invitation_decline(*, actor, invitation: Invitation) -> None:
    _check_invitee(actor, invitation)
    now = timezone.now()
    with transaction.atomic():
        won = Invitation.objects.filter(
            pk=invitation.pk, status=Invitation.Status.SENT, expires_at__gt=now
        ).update(
            status=Invitation.Status.DECLINED, accepted_by=actor, accepted_at=now, updated_at=now
        )
        if not won:
            raise Refusal(_("This invitation can no longer be declined."))
        audit(
            actor=actor,
            action=Action.INVITATION_DECLINED,
            enterprise=invitation.enterprise,
            target=invitation,
        )


def invitation_request_new_link(*, actor, invitation: Invitation) -> None:
    """The invitee of an expired link asks the manager for a new one (once per day): only
    the invitee, as for accepting (the manager's notice says the invitee asked)."""
    _check_invitee(actor, invitation)
    if invitation.status not in {Invitation.Status.EXPIRED, Invitation.Status.SENT}:
        raise Refusal(_("This invitation cannot be renewed."))
    if not cache.add(f"roles:renew:{invitation.pk}", 1, timeout=24 * 3600):
        raise Refusal(_("Your request was already sent to the manager."))
    with transaction.atomic():
        event = audit(
            actor=actor,
            action=Action.INVITATION_RENEWAL_REQUESTED,
            enterprise=invitation.enterprise,
            target=invitation,
        )
        enqueue(task_names.NOTIFY_RENEWAL_REQUESTED, invitation.pk, event.pk)
