"""Every state change of role attributions, invitations and links.

Each service is keyword-only with an explicit `actor`, runs in `transaction.atomic`, writes
its audit event inside, and hands e-mails to Celery through the outbox (on commit).
Tasks take ids only; they call the `*_deliver` / `*_notify` functions at the bottom.
"""

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_national_number
from portal import submissions
from portal.audit import Action, audit
from portal.outbox import enqueue
from portal.text import NUMBER_AS_TYPED_MAX_LENGTH, max_length, printable, text_problems
from roles import csv_input, delivery
from roles.models import (
    AccessLink,
    AccessRequest,
    EmailChange,
    Invitation,
    InvitationBatch,
    Role,
    RoleAttribution,
    Source,
)

EMAIL_CHANGE_SALT = "roles.email-change"


class RoleError(Exception):
    """A refused change with a translated message for the person; nothing was changed."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class RateLimited(RoleError):
    pass


# --- Rate limits ---------------------------------------------------------------------------


def _limits() -> dict:
    # Invitations per rolling hour window; configurable in settings.ROLES_INVITATION_LIMITS.
    return settings.ROLES_INVITATION_LIMITS


def _check_and_count_invitations(*, actor, enterprise, count: int) -> None:
    """Refuse (RateLimited) when `count` more invitations would pass a limit; else count them."""
    limits = _limits()
    window = int(limits["window"])
    bucket = int(timezone.now().timestamp()) // window
    keys = [
        (f"roles:inv:m:{actor.pk}:{bucket}", int(limits["manager"])),
        (f"roles:inv:e:{enterprise.pk}:{bucket}", int(limits["enterprise"])),
    ]
    for key, limit in keys:
        if cache.get(key, 0) + count > limit:
            raise RateLimited(
                _("Too many invitations in a short time. Please try again in an hour.")
            )
    for key, _limit in keys:
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key, count)
        except ValueError:  # expired between add and incr
            cache.set(key, count, timeout=window)


# --- Attributions --------------------------------------------------------------------------


def _person_for_national_number(national_number: str):
    from accounts.selectors import account_with_verified_number

    if not national_number:
        return None
    # Only a verified number names a person: a declared one may be anybody's.
    person = account_with_verified_number(national_number)
    return person if person is not None and person.is_active else None


def _already_active(*, enterprise, role, person=None, national_number="") -> bool:
    qs = RoleAttribution.objects.active().filter(enterprise=enterprise, role=role)
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
) -> RoleAttribution | None:
    """One attribution, or None when the same role is already active for that person."""
    enterprise = enterprise_quality.enterprise
    if _already_active(
        enterprise=enterprise, role=role, person=person, national_number=national_number
    ):
        return None
    attribution = RoleAttribution(
        enterprise=enterprise,
        enterprise_quality=enterprise_quality,
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
        details={"role": role.code, "source": source},
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
) -> list[RoleAttribution]:
    """Direct attribution by national number; the person is notified by e-mail.

    A future start date makes the attribution active but not yet current (no access
    before that day: `RoleAttribution.objects.current()`)."""
    from roles import tasks

    _check_roles_in_scope(enterprise_quality, roles)
    national_number = normalize_national_number(national_number)
    _check_end_date(valid_until)
    _check_end_date(valid_from)
    if valid_from and valid_until and valid_until < valid_from:
        raise RoleError(_("The end date must follow the start date."))
    with transaction.atomic():
        claim = submissions.claim(user=actor, key=submission_key)
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
            )
            if attribution is not None:
                created.append(attribution)
        if not created:
            raise RoleError(_("This person already holds every one of these roles."))
        for attribution in created:
            enqueue(tasks.notify_attribution, attribution.pk)
        claim.record(attributions=[a.pk for a in created])
    return created


def attribution_end(*, actor, attribution: RoleAttribution, revoke: bool = False) -> None:
    """A manager ends (normal end) or revokes (withdrawn for cause) an attribution."""
    from roles import tasks

    status = RoleAttribution.Status.REVOKED if revoke else RoleAttribution.Status.ENDED
    with transaction.atomic():
        changed = RoleAttribution.objects.filter(
            pk=attribution.pk, status=RoleAttribution.Status.ACTIVE
        ).update(status=status, ended_at=timezone.now(), ended_by=actor, updated_at=timezone.now())
        if not changed:
            raise RoleError(_("This attribution is no longer active."))
        attribution.refresh_from_db()
        audit(
            actor=actor,
            action=Action.ROLE_REVOKED if revoke else Action.ROLE_ENDED,
            enterprise=attribution.enterprise,
            target=attribution,
        )
        enqueue(tasks.notify_attribution_ended, attribution.pk)


def attribution_deactivate(*, actor, attribution: RoleAttribution) -> None:
    """The holder deactivates one of their own attributions; the managers are told."""
    from roles import tasks

    if attribution.person_id != actor.pk:
        raise RoleError(_("This attribution is not yours."))
    with transaction.atomic():
        changed = RoleAttribution.objects.filter(
            pk=attribution.pk, person=actor, status=RoleAttribution.Status.ACTIVE
        ).update(
            status=RoleAttribution.Status.DEACTIVATED,
            ended_at=timezone.now(),
            ended_by=actor,
            updated_at=timezone.now(),
        )
        if not changed:
            raise RoleError(_("This attribution is no longer active."))
        attribution.refresh_from_db()
        audit(
            actor=actor,
            action=Action.ROLE_DEACTIVATED,
            enterprise=attribution.enterprise,
            target=attribution,
        )
        enqueue(tasks.notify_managers_deactivated, attribution.pk)


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


# --- Invitations ---------------------------------------------------------------------------


@dataclass
class Invitee:
    first_name: str
    last_name: str
    email: str
    national_number: str = ""
    language: str = ""


def _check_roles_in_scope(enterprise_quality, roles) -> None:
    if not roles:
        raise RoleError(_("Choose at least one role."))
    allowed = set(
        Role.objects.for_quality(enterprise_quality.quality_id).values_list("pk", flat=True)
    )
    if any(role.pk not in allowed for role in roles):
        raise RoleError(_("These roles are not offered under this quality."))


def _check_end_date(valid_until) -> None:
    if valid_until is not None and valid_until < timezone.localdate():
        raise RoleError(_("The end date cannot be in the past."))


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
    language: str = "fr",
    submission_key: str = "",
) -> list[Invitation]:
    from enterprises.models import EnterpriseQuality

    _check_roles_in_scope(enterprise_quality, roles)
    _check_end_date(valid_until)
    if not invitees:
        raise RoleError(_("Add at least one person to invite."))
    created = []
    with transaction.atomic():
        # First the key (a repeated form counts nothing against the limits), then the
        # quality's row lock: two managers inviting the same person at once run one after
        # the other, so the second finds the first's invitation open.
        claim = submissions.claim(user=actor, key=submission_key)
        EnterpriseQuality.objects.select_for_update().filter(pk=enterprise_quality.pk).first()
        _check_not_invited(enterprise_quality, roles, invitees)
        _check_and_count_invitations(
            actor=actor, enterprise=enterprise_quality.enterprise, count=len(invitees)
        )
        for invitee in invitees:
            invitation = Invitation(
                enterprise=enterprise_quality.enterprise,
                enterprise_quality=enterprise_quality,
                invited_by=actor,
                first_name=invitee.first_name,
                last_name=invitee.last_name,
                email=invitee.email,
                national_number=invitee.national_number or "",
                language=invitee.language or _language_for(invitee.email, language),
                message=message,
                valid_until=valid_until,
            )
            invitation.full_clean(exclude=["token_hash"])
            invitation.save()
            invitation.roles.set(roles)
            audit(
                actor=actor,
                action=Action.INVITATION_CREATED,
                enterprise=enterprise_quality.enterprise,
                target=invitation,
                details={"roles": [r.code for r in roles], "email": invitee.email},
            )
            created.append(invitation)
        delivery.enqueue_delivery([invitation.pk for invitation in created])
        claim.record(invitations=[invitation.pk for invitation in created])
    return created


def _check_not_invited(enterprise_quality, roles, invitees: list[Invitee]) -> None:
    """Refuse to invite a person again to the same roles while that invitation is open:
    the manager resends it instead (a new link, the old one stops working)."""
    wanted = {role.pk for role in roles}
    by_email = {invitee.email.lower(): invitee for invitee in invitees}
    now = timezone.now()
    open_ones = (
        Invitation.objects.filter(
            enterprise_quality=enterprise_quality,
            email__in=list(by_email),
            status__in=[
                Invitation.Status.QUEUED,
                Invitation.Status.SENDING,
                Invitation.Status.SENT,
                Invitation.Status.FAILED,
            ],
        )
        .exclude(status=Invitation.Status.SENT, expires_at__lte=now)
        .prefetch_related("roles")
    )
    already = sorted(
        {
            invitation.email
            for invitation in open_ones
            if invitation.national_number == (by_email[invitation.email].national_number or "")
            and {role.pk for role in invitation.roles.all()} == wanted
        }
    )
    if already:
        raise RoleError(
            _(
                "An invitation to these roles is still open for %(emails)s: resend it from "
                "“Pending invitations” instead."
            )
            % {"emails": ", ".join(already)}
        )


def invitation_resend(*, actor, invitation: Invitation) -> None:
    """Queue a new link (the token rotates when it is sent: the old link stops working)."""
    if not invitation.can_be_resent:
        raise RoleError(_("This invitation can no longer be resent."))
    _check_and_count_invitations(actor=actor, enterprise=invitation.enterprise, count=1)
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
            raise RoleError(_("This invitation can no longer be resent."))
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
            raise RoleError(_("This invitation can no longer be revoked."))
        audit(
            actor=actor,
            action=Action.INVITATION_REVOKED,
            enterprise=invitation.enterprise,
            target=invitation,
        )


def _check_invitee(actor, invitation: Invitation) -> None:
    from roles.permissions import invitation_not_for

    if invitation_not_for(actor, invitation) is not None:
        raise RoleError(
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
            raise RoleError(_("This invitation can no longer be accepted."))
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
            raise RoleError(_("This invitation can no longer be declined."))
        audit(
            actor=actor,
            action=Action.INVITATION_DECLINED,
            enterprise=invitation.enterprise,
            target=invitation,
        )


def invitation_request_new_link(*, actor, invitation: Invitation) -> None:
    """The invitee of an expired link asks the manager for a new one (once per day)."""
    from roles import tasks

    if invitation.status not in {Invitation.Status.EXPIRED, Invitation.Status.SENT}:
        raise RoleError(_("This invitation cannot be renewed."))
    if not cache.add(f"roles:renew:{invitation.pk}", 1, timeout=24 * 3600):
        raise RoleError(_("Your request was already sent to the manager."))
    with transaction.atomic():
        event = audit(
            actor=actor,
            action=Action.INVITATION_RENEWAL_REQUESTED,
            enterprise=invitation.enterprise,
            target=invitation,
        )
        enqueue(tasks.notify_renewal_requested, invitation.pk, event.pk)


# --- Bulk CSV ------------------------------------------------------------------------------

CSV_COLUMNS = csv_input.COLUMNS
MAX_CSV_ROWS = 10000
CSV_LABELS = csv_input.LABELS  # what a row's error calls each column
# Each column becomes a field of an invitation: its limit is the model's (the roles and the
# date are checked against the catalogue and the calendar instead).
CSV_LIMITS = {
    "first_name": max_length(Invitation, "first_name"),
    "last_name": max_length(Invitation, "last_name"),
    "email": max_length(Invitation, "email"),
    "national_number": NUMBER_AS_TYPED_MAX_LENGTH,
}


def _shown(value: str, column: str) -> str:
    """A refused cell as the preview stores and shows it: printable, and cut after its limit
    (the row is refused anyway; PostgreSQL would refuse a NUL in the batch's JSON)."""
    value = printable(value)
    limit = CSV_LIMITS.get(column)
    return value[:limit] + "…" if limit and len(value) > limit else value


def _parse_date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return timezone.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def batch_parse(
    *, actor, enterprise_quality, uploaded, message: str = "", submission_key: str = ""
) -> InvitationBatch:
    """Parse a CSV into a draft batch: every row with its errors, nothing sent yet."""
    try:
        text = csv_input.decode(uploaded.read())
    except csv_input.Unreadable as exc:
        raise RoleError(exc.message) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error:
        raise RoleError(_("The file could not be read as CSV.")) from None
    # Numbers as the manager's spreadsheet shows them: a header is line 1. A header in any of
    # the four languages may order the columns as it likes; the rows come back in ours.
    try:
        lines, first_line = csv_input.split_header(lines)
    except csv_input.Unreadable as exc:
        raise RoleError(exc.message) from None
    if not lines:
        raise RoleError(_("The file contains no rows."))
    if len(lines) > MAX_CSV_ROWS:
        raise RoleError(_("The file has too many rows (at most %(max)d).") % {"max": MAX_CSV_ROWS})
    roles_by_code = {r.code: r.pk for r in Role.objects.for_quality(enterprise_quality.quality_id)}
    today = timezone.localdate()
    seen: set[str] = set()
    rows = []
    for number, cells in enumerate(lines, start=first_line):
        cells = [c.strip() for c in cells] + [""] * (len(CSV_COLUMNS) - len(cells))
        cell = dict(zip(CSV_COLUMNS, cells, strict=False))
        cell["email"] = cell["email"].lower()
        # A cell with a control or invisible character, or longer than its field, is refused
        # with its column's name, and checked no further.
        refused = {
            column: problems
            for column in CSV_COLUMNS
            if (
                problems := text_problems(
                    cell[column], label=CSV_LABELS[column], max_chars=CSV_LIMITS.get(column)
                )
            )
        }
        errors = [message for problems in refused.values() for message in problems]
        first, last, email, role_codes, until, nn = (cell[column] for column in CSV_COLUMNS)
        if not first or not last:
            errors.append(gettext("First and last name are required."))
        if "email" not in refused:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(gettext("Invalid e-mail address."))
        codes = [c.strip() for c in role_codes.split(";") if c.strip()]
        unknown = [c for c in codes if c not in roles_by_code]
        if not codes:
            errors.append(gettext("No role given."))
        elif unknown and "roles" not in refused:
            errors.append(
                gettext("Unknown role for this quality: %(codes)s") % {"codes": ", ".join(unknown)}
            )
        end = None
        if "valid_until" not in refused:
            try:
                end = _parse_date(until)
                if end is not None and end < today:
                    errors.append(gettext("The end date is in the past."))
            except ValueError:
                errors.append(gettext("Invalid end date (use YYYY-MM-DD)."))
        if nn and "national_number" not in refused:
            try:
                nn = normalize_national_number(nn)
            except ValidationError:
                errors.append(gettext("Invalid national number."))
        key = f"{email}|{';'.join(sorted(codes))}"
        if email and key in seen:
            errors.append(gettext("Duplicate of an earlier row."))
        seen.add(key)
        rows.append(
            {
                "line": number,
                "first_name": _shown(first, "first_name"),
                "last_name": _shown(last, "last_name"),
                "email": _shown(email, "email"),
                "roles": [_shown(code, "roles") for code in codes],
                "role_ids": [roles_by_code[c] for c in codes if c in roles_by_code],
                "valid_until": end.isoformat() if end else "",
                "national_number": _shown(nn, "national_number"),
                "errors": errors,
            }
        )
    error_rows = sum(1 for r in rows if r["errors"])
    with transaction.atomic():
        claim = submissions.claim(user=actor, key=submission_key)
        batch = InvitationBatch.objects.create(
            enterprise_quality=enterprise_quality,
            created_by=actor,
            filename=printable(getattr(uploaded, "name", "") or "")[
                : max_length(InvitationBatch, "filename")
            ],
            rows=rows,
            total_rows=len(rows),
            valid_rows=len(rows) - error_rows,
            error_rows=error_rows,
            message=message,
        )
        audit(
            actor=actor,
            action=Action.INVITATION_BATCH_UPLOADED,
            enterprise=enterprise_quality.enterprise,
            target=batch,
            details={"rows": len(rows), "errors": error_rows},
        )
        claim.record(batch=batch.pk)
    return batch


def batch_confirm(*, actor, batch: InvitationBatch, submission_key: str = "") -> int:
    """Create the valid rows' invitations in bulk; one outbox message per chunk."""
    valid = [r for r in batch.rows if not r["errors"]]
    if not valid:
        raise RoleError(_("No valid row to send."))
    eq = batch.enterprise_quality
    with transaction.atomic():
        submissions.claim(user=actor, key=submission_key)
        _check_and_count_invitations(actor=actor, enterprise=eq.enterprise, count=len(valid))
        claimed = InvitationBatch.objects.filter(
            pk=batch.pk, status=InvitationBatch.Status.DRAFT
        ).update(status=InvitationBatch.Status.CONFIRMED, confirmed_at=timezone.now())
        if not claimed:
            raise RoleError(_("This batch was already sent."))
        invitations = Invitation.objects.bulk_create(
            [
                Invitation(
                    enterprise=eq.enterprise,
                    enterprise_quality=eq,
                    invited_by=actor,
                    first_name=r["first_name"],
                    last_name=r["last_name"],
                    email=r["email"],
                    national_number=r["national_number"],
                    language=actor.language or "fr",
                    message=batch.message,
                    valid_until=date.fromisoformat(r["valid_until"]) if r["valid_until"] else None,
                    batch=batch,
                )
                for r in valid
            ],
            batch_size=1000,
        )
        if invitations and invitations[0].pk is None:  # backends without RETURNING
            invitations = list(Invitation.objects.filter(batch=batch).order_by("pk"))
        through = Invitation.roles.through
        through.objects.bulk_create(
            [
                through(invitation_id=inv.pk, role_id=role_id)
                for inv, r in zip(invitations, valid, strict=True)
                for role_id in r["role_ids"]
            ],
            batch_size=2000,
        )
        audit(
            actor=actor,
            action=Action.INVITATION_BATCH_CONFIRMED,
            enterprise=eq.enterprise,
            target=batch,
            details={"invitations": len(invitations)},
        )
        delivery.enqueue_delivery([inv.pk for inv in invitations])
    return len(invitations)


# --- Published links -----------------------------------------------------------------------


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
) -> AccessLink:
    _check_roles_in_scope(enterprise_quality, roles)
    _check_end_date(valid_until)
    if expires_at <= timezone.now():
        raise RoleError(_("The link's expiry must be in the future."))
    with transaction.atomic():
        claim = submissions.claim(user=actor, key=submission_key)
        link = AccessLink(
            enterprise_quality=enterprise_quality,
            created_by=actor,
            label=label,
            slug=secrets.token_urlsafe(24),  # 192 random bits
            expires_at=expires_at,
            max_uses=max_uses,
            requires_approval=requires_approval,
            valid_until=valid_until,
        )
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
        )
        if attribution is not None:
            created.append(attribution)
    return created


def link_use(*, actor, link: AccessLink) -> AccessRequest | list[RoleAttribution]:
    """A signed-in person follows a link: the roles now, or a request for approval."""
    from roles import tasks

    if (
        link.requires_approval
        and AccessRequest.objects.filter(
            link=link, person=actor, status=AccessRequest.Status.PENDING
        ).exists()
    ):
        raise RoleError(_("Your request is already waiting for the manager's approval."))
    with transaction.atomic():
        # The guarded increment is the use limit, whatever concurrent clicks do.
        taken = AccessLink.objects.filter(
            pk=link.pk,
            status=AccessLink.Status.ACTIVE,
            expires_at__gt=timezone.now(),
            uses__lt=F("max_uses"),
        ).update(uses=F("uses") + 1)
        if not taken:
            link.refresh_from_db(fields=["status", "expires_at", "uses", "max_uses"])
            raise RoleError(link.refusal or _("This link has reached its limit of uses."))
        enterprise = link.enterprise_quality.enterprise
        if link.requires_approval:
            request = AccessRequest.objects.create(link=link, person=actor)
            audit(actor=actor, action=Action.LINK_REQUESTED, enterprise=enterprise, target=request)
            enqueue(tasks.notify_access_request, request.pk)
            return request
        created = _grant_from_link(link=link, person=actor)
        if not created:
            raise RoleError(_("You already hold these roles."))
        audit(actor=actor, action=Action.LINK_USED, enterprise=enterprise, target=link)
        return created


def access_request_decide(*, actor, access_request: AccessRequest, approve: bool) -> None:
    from roles import tasks

    status = AccessRequest.Status.APPROVED if approve else AccessRequest.Status.REJECTED
    with transaction.atomic():
        changed = AccessRequest.objects.filter(
            pk=access_request.pk, status=AccessRequest.Status.PENDING
        ).update(status=status, decided_by=actor, decided_at=timezone.now())
        if not changed:
            raise RoleError(_("This request was already decided."))
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
        enqueue(tasks.notify_access_decision, access_request.pk)


# --- Profile: e-mail change --------------------------------------------------------------


def email_change_request(*, actor, attributions: list[RoleAttribution], new_email: str):
    from roles import tasks

    if not attributions or any(a.person_id != actor.pk for a in attributions):
        raise RoleError(_("Choose at least one of your attributions."))
    with transaction.atomic():
        change = EmailChange.objects.create(
            person=actor,
            new_email=new_email.lower(),
            old_emails=sorted({a.email for a in attributions} - {new_email.lower()}),
        )
        change.attributions.set(attributions)
        audit(
            actor=actor,
            action=Action.ROLE_EMAIL_CHANGE_REQUESTED,
            target=change,
            details={"new_email": change.new_email, "attributions": [a.pk for a in attributions]},
        )
        enqueue(tasks.send_email_change, change.pk)
    return change


def email_change_token(change: EmailChange) -> str:
    return signing.dumps(change.pk, salt=EMAIL_CHANGE_SALT)


def email_change_verify(*, actor, token: str) -> EmailChange:
    max_age = settings.ROLES_EMAIL_CHANGE_MAX_AGE
    try:
        pk = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise RoleError(
            _("This verification link has expired. Ask for the change again.")
        ) from None
    except signing.BadSignature:
        raise RoleError(_("This verification link is not valid.")) from None
    with transaction.atomic():
        change = EmailChange.objects.filter(pk=pk, person=actor).first()
        if change is None:
            raise RoleError(_("This verification link is not valid."))
        won = EmailChange.objects.filter(pk=pk, status=EmailChange.Status.PENDING).update(
            status=EmailChange.Status.APPLIED, applied_at=timezone.now()
        )
        if not won:
            raise RoleError(_("This change was already applied."))
        for attribution in change.attributions.filter(person=actor).select_related("enterprise"):
            old = attribution.email
            attribution.email = change.new_email
            attribution.save(update_fields=["email", "updated_at"])
            audit(
                actor=actor,
                action=Action.ROLE_EMAIL_CHANGED,
                enterprise=attribution.enterprise,
                target=attribution,
                details={"old": old, "new": change.new_email},
            )
    return change


# --- Lifecycle (beat) --------------------------------------------------------------------


def expire_due() -> dict:
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        attributions = list(
            RoleAttribution.objects.active()
            .filter(valid_until__lt=today)
            .select_related("enterprise")
            .select_for_update()
        )
        for attribution in attributions:
            attribution.status = RoleAttribution.Status.EXPIRED
            attribution.ended_at = now
            attribution.save(update_fields=["status", "ended_at", "updated_at"])
            audit(
                actor=None,
                action=Action.ROLE_EXPIRED,
                enterprise=attribution.enterprise,
                target=attribution,
            )
        invitations = list(
            Invitation.objects.filter(status=Invitation.Status.SENT, expires_at__lte=now)
            .select_related("enterprise")
            .select_for_update()
        )
        for invitation in invitations:
            invitation.status = Invitation.Status.EXPIRED
            invitation.save(update_fields=["status", "updated_at"])
            audit(
                actor=None,
                action=Action.INVITATION_EXPIRED,
                enterprise=invitation.enterprise,
                target=invitation,
            )
    return {"attributions": len(attributions), "invitations": len(invitations)}


def send_reminders() -> int:
    """Once per attribution: claim it (reminder_sent_at) and enqueue its reminder."""
    from roles import tasks

    days = settings.ROLES_REMINDER_DAYS
    count = 0
    with transaction.atomic():
        due = list(
            RoleAttribution.objects.expiring_within(days)
            .filter(reminder_sent_at__isnull=True, valid_until__gte=timezone.localdate())
            .values_list("pk", flat=True)
        )
        for pk in due:
            if RoleAttribution.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=timezone.now()
            ):
                enqueue(tasks.send_reminder, pk)
                count += 1
    return count
