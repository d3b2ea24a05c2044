"""Every state change of the designation chain.

Each service: keyword-only, an explicit `actor`, one transaction, the enterprise row locked
(`select_for_update`) so concurrent changes of one chain are serialised, `full_clean()`
before saving, the audit event and the guardian grants in the same transaction, and the
e-mails enqueued through the outbox (published on commit).

Business refusals raise `portal.refusals.Refusal` with a translated message (and a code
where a view or a test tells refusals apart); the view shows it and nothing has changed (the
transaction rolled back).
"""

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, get_user_perms, remove_perm

from enterprises import chain, permissions, task_names
from enterprises.models import (
    Designation,
    Enterprise,
    EnterpriseQuality,
    Quality,
    Registration,
)
from portal import submissions
from portal.audit import Action, audit
from portal.languages import default_language
from portal.outbox import enqueue
from portal.refusals import Refusal, refusing_invalid
from portal.tokens import hash_token
from relying import task_names as relying_task_names

Kind = Designation.Kind
Status = Designation.Status

# What each active designation grants (the guardian contract every app relies on).
ENTERPRISE_PERMS = chain.ENTERPRISE_PERMS
QUALITY_PERMS = chain.QUALITY_PERMS


@dataclass(frozen=True)
class PersonData:
    """Who is designated: from a form's cleaned_data (or the actor, for self-designation)."""

    first_name: str
    last_name: str
    national_number: str
    email: str
    language: str = field(default_factory=default_language)

    @classmethod
    def of_user(cls, user) -> "PersonData":
        if not user.verified_national_number:
            raise Refusal(
                _(
                    "Your national number is not verified: sign in with eID or itsme, or "
                    "have the contact centre verify it, first."
                ),
                code="unverified_national_number",
            )
        return cls(
            first_name=user.first_name,
            last_name=user.last_name,
            national_number=user.verified_national_number,
            email=user.email,
            language=user.language,
        )


def _lock(enterprise: Enterprise) -> Enterprise:
    # Every change of a chain goes through this row lock: two concurrent designations
    # (e.g. two RAE replacements) run one after the other, so invariants hold.
    return Enterprise.objects.select_for_update().get(pk=enterprise.pk)


# --- Permissions ------------------------------------------------------------------------------


def permissions_sync(person, enterprise: Enterprise) -> None:
    """Recompute `person`'s guardian grants on `enterprise` and its qualities.

    Derived from the person's ACTIVE designations only, so ending one designation never
    removes a right another designation still gives.
    """
    if person is None:
        return
    active = list(
        Designation.objects.active()
        .filter(person=person, enterprise=enterprise)
        .select_related("enterprise_quality")
    )
    wanted: set[str] = set()
    for designation in active:
        wanted |= ENTERPRISE_PERMS.get(designation.kind, set())
    current = set(get_user_perms(person, enterprise))
    for codename in chain.ENTERPRISE_CODENAMES - wanted:
        if codename in current:
            remove_perm(f"enterprises.{codename}", person, enterprise)
    for codename in wanted - current:
        assign_perm(f"enterprises.{codename}", person, enterprise)

    wanted_by_quality: dict[int, set[str]] = {}
    for designation in active:
        eq = designation.enterprise_quality
        if eq is not None and eq.is_active:
            wanted_by_quality.setdefault(eq.pk, set()).update(QUALITY_PERMS[designation.kind])
    for eq in EnterpriseQuality.objects.filter(enterprise=enterprise):
        wanted_q = wanted_by_quality.get(eq.pk, set())
        current_q = set(get_user_perms(person, eq))
        for codename in chain.QUALITY_CODENAMES - wanted_q:
            if codename in current_q:
                remove_perm(f"enterprises.{codename}", person, eq)
        for codename in wanted_q - current_q:
            assign_perm(f"enterprises.{codename}", person, eq)


# --- Designations ----------------------------------------------------------------------------


def _check_not_open(enterprise, kind, national_number, enterprise_quality=None) -> None:
    qs = Designation.objects.open().filter(
        enterprise=enterprise, kind=kind, national_number=national_number
    )
    if enterprise_quality is not None:
        qs = qs.filter(enterprise_quality=enterprise_quality)
    existing = qs.first()
    if existing is not None:
        if existing.is_active:
            raise Refusal(
                _("%(name)s already holds this designation.") % {"name": existing.full_name},
                code="already_designated",
            )
        raise Refusal(
            _("%(name)s was already designated and has not accepted yet: resend the link instead.")
            % {"name": existing.full_name},
            code="already_pending",
        )


def _create(
    *,
    actor,
    enterprise: Enterprise,
    kind: str,
    person: PersonData,
    enterprise_quality: EnterpriseQuality | None = None,
) -> Designation:
    """Create one designation (inside the caller's transaction and lock).

    The actor designating themself is active at once; anybody else (even a person with an
    account) confirms through the e-mailed link.
    """
    _check_not_open(enterprise, kind, person.national_number, enterprise_quality)
    is_self = (
        bool(actor.verified_national_number)
        and actor.verified_national_number == person.national_number
    )
    designation = Designation(
        enterprise=enterprise,
        kind=kind,
        enterprise_quality=enterprise_quality,
        national_number=person.national_number,
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
        language=person.language or settings.LANGUAGE_CODE,
        designated_by=actor,
        status=Status.PENDING,
    )
    if is_self:
        designation.person = actor
        designation.status = Status.ACTIVE
        designation.accepted_at = timezone.now()
        if kind == Kind.RAE:
            _replace_active_rae(actor=actor, enterprise=enterprise)
    with refusing_invalid():
        designation.full_clean()
    designation.save()
    audit(
        actor=actor,
        action=Action.DESIGNATION_ACTIVATED if is_self else Action.DESIGNATION_CREATED,
        enterprise=enterprise,
        target=designation,
        details=_details(designation),
    )
    if is_self:
        permissions_sync(actor, enterprise)
    else:
        enqueue(task_names.SEND_DESIGNATION_LINK, designation.pk)
    return designation


def _details(designation: Designation, **extra) -> dict:
    details = {
        "kind": designation.kind,
        "name": designation.full_name,
        "status": designation.status,
    }
    if designation.enterprise_quality_id:
        details["quality"] = designation.enterprise_quality.quality.code
    details.update(extra)
    return details


def _replace_active_rae(*, actor, enterprise: Enterprise) -> None:
    """The current RAE (if any) becomes `replaced` — before the new one becomes active, in
    the same transaction, so the one-active-RAE constraint always holds."""
    for old in Designation.objects.active().filter(enterprise=enterprise, kind=Kind.RAE):
        old.status = Status.REPLACED
        old.ended_at = timezone.now()
        old.ended_by = actor
        old.save(update_fields=["status", "ended_at", "ended_by", "updated_at"])
        audit(
            actor=actor,
            action=Action.DESIGNATION_REPLACED,
            enterprise=enterprise,
            target=old,
            details=_details(old),
        )
        permissions_sync(old.person, enterprise)
        # Told by e-mail (on commit), or the replaced RAE would learn it from a refused page.
        enqueue(task_names.NOTIFY_RAE_REPLACED, old.pk)


def _cancel_pending_rae(*, actor, enterprise: Enterprise) -> None:
    # A new RAE designation supersedes a replacement still waiting for acceptance.
    for pending in Designation.objects.pending().filter(enterprise=enterprise, kind=Kind.RAE):
        pending.status = Status.CANCELLED
        pending.ended_at = timezone.now()
        pending.ended_by = actor
        pending.save(update_fields=["status", "ended_at", "ended_by", "updated_at"])
        audit(
            actor=actor,
            action=Action.DESIGNATION_CANCELLED,
            enterprise=enterprise,
            target=pending,
            details=_details(pending),
        )


def enterprise_register(
    *,
    actor,
    enterprise: Enterprise,
    rae: PersonData,
    co_raes: list[PersonData] = (),
    submission_key: str = "",
) -> Registration:
    """Register the enterprise and designate its RAE (and co-RAEs) in one step."""
    with transaction.atomic():
        # The key before anything else: a repeated form is answered with its first result,
        # not with "already registered".
        submissions.claim(user=actor, key=submission_key)
        enterprise = _lock(enterprise)
        permissions.registration_check(user=actor, enterprise=enterprise)
        numbers = [rae.national_number] + [p.national_number for p in co_raes]
        if len(set(numbers)) != len(numbers):
            raise Refusal(
                _("The same person appears twice: each person is designated once."),
                code="duplicate_person",
            )
        registration = Registration(enterprise=enterprise, registered_by=actor)
        with refusing_invalid():
            registration.full_clean()
        registration.save()
        audit(
            actor=actor,
            action=Action.ENTERPRISE_REGISTERED,
            enterprise=enterprise,
            target=registration,
        )
        _create(actor=actor, enterprise=enterprise, kind=Kind.RAE, person=rae)
        for co_rae in co_raes:
            _create(actor=actor, enterprise=enterprise, kind=Kind.CO_RAE, person=co_rae)
        return registration


def rae_replace(
    *, actor, enterprise: Enterprise, person: PersonData, submission_key: str = ""
) -> Designation:
    """A legal representative designates a new RAE. The old one stays until the new one
    accepts (or at once for self-designation): the enterprise is never without an RAE."""
    with transaction.atomic():
        submissions.claim(user=actor, key=submission_key)
        enterprise = _lock(enterprise)
        if not Registration.objects.filter(enterprise=enterprise).exists():
            raise Refusal(
                _("This enterprise is not registered yet: register it first."),
                code="not_registered",
            )
        if not permissions.is_legal_representative(actor, enterprise):
            raise Refusal(_("Only a legal representative can replace the RAE."))
        _cancel_pending_rae(actor=actor, enterprise=enterprise)
        return _create(actor=actor, enterprise=enterprise, kind=Kind.RAE, person=person)


def co_rae_designate(
    *, actor, enterprise: Enterprise, person: PersonData, submission_key: str = ""
) -> Designation:
    with transaction.atomic():
        submissions.claim(user=actor, key=submission_key)
        enterprise = _lock(enterprise)
        return _create(actor=actor, enterprise=enterprise, kind=Kind.CO_RAE, person=person)


def gl_designate(
    *,
    actor,
    enterprise_quality: EnterpriseQuality,
    person: PersonData,
    kind: str = Kind.GL,
    submission_key: str = "",
) -> Designation:
    if kind not in chain.quality_kinds():
        raise Refusal(_("Unknown designation kind."))
    with transaction.atomic():
        submissions.claim(user=actor, key=submission_key)
        enterprise = _lock(enterprise_quality.enterprise)
        enterprise_quality = EnterpriseQuality.objects.get(pk=enterprise_quality.pk)
        if not enterprise_quality.is_active:
            raise Refusal(
                _("This quality is not active: activate it first."), code="quality_inactive"
            )
        return _create(
            actor=actor,
            enterprise=enterprise,
            kind=kind,
            person=person,
            enterprise_quality=enterprise_quality,
        )


def designation_accept(*, actor, designation: Designation) -> Designation:
    """The designated person confirms (signed in, matching national number)."""
    with transaction.atomic():
        enterprise = _lock(designation.enterprise)
        designation = Designation.objects.select_for_update().get(pk=designation.pk)
        if not designation.is_pending:
            raise Refusal(_("This designation is no longer waiting for acceptance."))
        if designation.link_expired:
            raise Refusal(_("This link has expired."), code="expired")
        if (
            not actor.verified_national_number
            or actor.verified_national_number != designation.national_number
        ):
            raise Refusal(_("This designation is for another person."), code="wrong_person")
        if designation.enterprise_quality_id and not designation.enterprise_quality.is_active:
            raise Refusal(_("This quality is no longer active."), code="quality_inactive")
        if designation.kind == Kind.RAE:
            _replace_active_rae(actor=actor, enterprise=enterprise)
        designation.person = actor
        designation.status = Status.ACTIVE
        designation.accepted_at = timezone.now()
        with refusing_invalid():
            designation.full_clean()
        try:
            with transaction.atomic():
                designation.save()
        except IntegrityError:
            raise Refusal(_("Somebody else changed this chain meanwhile: try again.")) from None
        audit(
            actor=actor,
            action=Action.DESIGNATION_ACCEPTED,
            enterprise=enterprise,
            target=designation,
            details=_details(designation),
        )
        permissions_sync(actor, enterprise)
        return designation


def _end(*, actor, designation: Designation, status: str, action: Action) -> None:
    designation.status = status
    designation.ended_at = timezone.now()
    designation.ended_by = actor
    designation.save(update_fields=["status", "ended_at", "ended_by", "updated_at"])
    audit(
        actor=actor,
        action=action,
        enterprise=designation.enterprise,
        target=designation,
        details=_details(designation),
    )
    permissions_sync(designation.person, designation.enterprise)


def designation_revoke(*, actor, designation: Designation) -> Designation:
    """End an active designation (or withdraw a pending one). Who may is the loader's job;
    the rules that hold whoever asks are checked here."""
    with transaction.atomic():
        _lock(designation.enterprise)
        designation = (
            Designation.objects.select_for_update(of=("self",))
            .select_related("enterprise", "enterprise_quality__quality")
            .get(pk=designation.pk)
        )
        if not chain.RULES[designation.kind].revocable:
            raise Refusal(
                _(
                    "The RAE cannot be revoked: the enterprise would be locked out. A legal "
                    "representative replaces the RAE instead."
                ),
                code="revoke_rae",
            )
        if designation.is_pending:
            _end(
                actor=actor,
                designation=designation,
                status=Status.CANCELLED,
                action=Action.DESIGNATION_CANCELLED,
            )
        elif designation.is_active:
            _end(
                actor=actor,
                designation=designation,
                status=Status.REVOKED,
                action=Action.DESIGNATION_REVOKED,
            )
        else:
            raise Refusal(_("This designation has already ended."), code="ended")
        return designation


def designation_cancel(*, actor, designation: Designation) -> Designation:
    with transaction.atomic():
        _lock(designation.enterprise)
        designation = Designation.objects.select_for_update().get(pk=designation.pk)
        if not designation.is_pending:
            raise Refusal(_("Only a designation waiting for acceptance can be cancelled."))
        _end(
            actor=actor,
            designation=designation,
            status=Status.CANCELLED,
            action=Action.DESIGNATION_CANCELLED,
        )
        return designation


def designation_resend(*, actor, designation: Designation) -> Designation:
    """Send a new link (the old one stops working: the task rotates the token)."""
    with transaction.atomic():
        _lock(designation.enterprise)
        designation = Designation.objects.select_for_update().get(pk=designation.pk)
        if not designation.is_pending:
            raise Refusal(_("Only a designation waiting for acceptance can be resent."))
        designation.sent_at = None
        designation.save(update_fields=["sent_at", "updated_at"])
        audit(
            actor=actor,
            action=Action.DESIGNATION_RESENT,
            enterprise=designation.enterprise,
            target=designation,
        )
        enqueue(task_names.SEND_DESIGNATION_LINK, designation.pk)
        return designation


def designation_link_issue(*, designation_id: int) -> tuple[Designation, str] | None:
    """For the e-mail task: a new token for a pending designation not sent yet.

    The guarded update is the idempotence: of two runs of the same task, one sets
    `sent_at` and sends, the other finds it set and does nothing.
    """
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    updated = Designation.objects.filter(
        pk=designation_id, status=Status.PENDING, sent_at__isnull=True
    ).update(
        token_hash=hash_token(token),
        sent_at=now,
        expires_at=now + timedelta(days=settings.DESIGNATION_LINK_DAYS),
        updated_at=now,
    )
    if not updated:
        return None
    designation = Designation.objects.select_related(
        "enterprise", "enterprise_quality__quality", "designated_by"
    ).get(pk=designation_id)
    return designation, token


def designation_link_unsent(*, designation_id: int, token: str) -> None:
    """The mail did not go out: let the retry issue a fresh link."""
    Designation.objects.filter(
        pk=designation_id, status=Status.PENDING, token_hash=hash_token(token)
    ).update(sent_at=None, token_hash="")


def designations_expire() -> int:
    """Pending designations whose link expired become `expired` (beat task)."""
    count = 0
    due = Designation.objects.pending().filter(expires_at__lte=timezone.now())
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            designation = (
                Designation.objects.select_for_update()
                .filter(pk=pk, status=Status.PENDING, expires_at__lte=timezone.now())
                .first()
            )
            if designation is None:
                continue
            designation.status = Status.EXPIRED
            designation.ended_at = timezone.now()
            designation.save(update_fields=["status", "ended_at", "updated_at"])
            audit(
                actor=None,
                action=Action.DESIGNATION_EXPIRED,
                enterprise=designation.enterprise,
                target=designation,
            )
            count += 1
    return count


# --- Qualities -------------------------------------------------------------------------------


def quality_activate(
    *, actor, enterprise: Enterprise, quality: Quality, submission_key: str = ""
) -> EnterpriseQuality:
    with transaction.atomic():
        submissions.claim(user=actor, key=submission_key)
        enterprise = _lock(enterprise)
        if not quality.is_available:
            raise Refusal(_("This quality cannot be activated."))
        eq = EnterpriseQuality.objects.filter(enterprise=enterprise, quality=quality).first()
        if eq is not None and eq.is_active:
            raise Refusal(
                _("The quality “%(name)s” is already active.") % {"name": quality.name},
                code="already_active",
            )
        if eq is None:
            eq = EnterpriseQuality(enterprise=enterprise, quality=quality)
        eq.status = EnterpriseQuality.Status.ACTIVE
        eq.activated_by = actor
        with refusing_invalid():
            eq.full_clean()
        eq.save()
        audit(
            actor=actor,
            action=Action.QUALITY_ACTIVATED,
            enterprise=enterprise,
            target=eq,
            details={"quality": quality.code},
        )
        return eq


def quality_deactivate(*, actor, enterprise_quality: EnterpriseQuality) -> EnterpriseQuality:
    """Deactivating ends every GL and co-GL designation under the quality."""
    with transaction.atomic():
        enterprise = _lock(enterprise_quality.enterprise)
        eq = EnterpriseQuality.objects.select_for_update().get(pk=enterprise_quality.pk)
        if not eq.is_active:
            raise Refusal(_("This quality is not active."), code="inactive")
        eq.status = EnterpriseQuality.Status.INACTIVE
        eq.save(update_fields=["status", "updated_at"])
        event = audit(
            actor=actor,
            action=Action.QUALITY_DEACTIVATED,
            enterprise=enterprise,
            target=eq,
            details={"quality": eq.quality.code},
        )
        # Every role under the quality stops giving access: the applications are told.
        enqueue(relying_task_names.QUALITY_DEACTIVATED, eq.pk, event.pk)
        for designation in eq.designations.open().select_related("enterprise", "person"):
            designation.enterprise_quality = eq
            _end(
                actor=actor,
                designation=designation,
                status=Status.REVOKED if designation.is_active else Status.CANCELLED,
                action=Action.DESIGNATION_REVOKED
                if designation.is_active
                else Action.DESIGNATION_CANCELLED,
            )
        return eq


# --- The registry ---------------------------------------------------------------------------------


def enterprise_stopped_by_registry(*, enterprise: Enterprise) -> bool:
    """The registry stopped (or deleted) a registered enterprise: mark it stopped and flag it,
    audited; its RAE is told by e-mail and the contact centre's look-up page lists it.

    Called by the import, in its transaction. Nothing is deleted or ended here: the chain and
    the attributions stay as they are (a registry error is undone by the next file), while a
    stopped enterprise can no longer be registered again. False when there is nothing to flag
    (not registered, or flagged already).
    """
    with transaction.atomic():
        enterprise = _lock(enterprise)
        registration = Registration.objects.filter(enterprise=enterprise).first()
        if registration is None or enterprise.registry_stopped_at is not None:
            return False
        enterprise.status = Enterprise.Status.STOPPED
        enterprise.registry_stopped_at = timezone.now()
        enterprise.save(update_fields=["status", "registry_stopped_at", "updated_at"])
        event = audit(
            actor=None,
            action=Action.ENTERPRISE_STOPPED_BY_REGISTRY,
            enterprise=enterprise,
            target=registration,
            details={"number": enterprise.number, "name": enterprise.name},
        )
        # The event's id too: a later stop (after the registry listed it active again) is a
        # new notice, not one already sent.
        enqueue(task_names.NOTIFY_REGISTRY_STOPPED, enterprise.pk, event.pk)
        # Its people's roles no longer give access: the applications concerned are told.
        enqueue(relying_task_names.ENTERPRISES_STOPPED, event.pk, enterprise.pk)
        return True


# --- Contact centre -----------------------------------------------------------------------------


def contact_centre_lookup(
    *, actor, number: str, enterprise: Enterprise | None, reason: str
) -> None:
    """Every look-up is evidence: who looked at which enterprise, and why."""
    with transaction.atomic():
        audit(
            actor=actor,
            action=Action.CONTACT_CENTRE_LOOKUP,
            enterprise=enterprise,
            target=enterprise,
            details={"number": number, "reason": reason, "found": enterprise is not None},
        )
