"""Bulk invitations: a CSV becomes a draft batch the manager previews (every row with its
errors, nothing sent), then confirms; the valid rows' invitations are created in bulk and
handed to the delivery by chunk.

Reading and checking the file is `roles.services.bulk_csv`'s job.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import submissions
from portal.audit import Action, audit
from portal.languages import default_language
from portal.refusals import Refusal
from portal.text import max_length, printable
from roles import delivery
from roles.models import Invitation, InvitationBatch, Role
from roles.services import bulk_csv
from roles.services.common import _check_mandate, _hold_mandate
from roles.services.invitations import _already_invited, _already_invited_message
from roles.services.rate_limits import _check_and_count_invitations


def batch_parse(
    *,
    actor,
    enterprise_quality,
    uploaded,
    message: str = "",
    submission_key: str = "",
    mandate=None,
) -> InvitationBatch:
    """Parse a CSV into a draft batch: every row with its errors, nothing sent yet. With
    `mandate`: a provider invites its staff to act for the mandate's client (the codes are
    the client's roles of the mandate's group)."""
    if mandate is not None:
        _check_mandate(enterprise_quality, mandate)
    lines, first_line = bulk_csv.csv_lines(uploaded.read())
    roles_by_code = {r.code: r.pk for r in Role.objects.offered(enterprise_quality, mandate)}
    rows = bulk_csv.csv_rows(
        lines, first_line=first_line, roles_by_code=roles_by_code, today=timezone.localdate()
    )
    _flag_already_invited(enterprise_quality, mandate, rows)
    error_rows = sum(1 for r in rows if r["errors"])
    with transaction.atomic():
        claim = submissions.claim(user=actor, key=submission_key)
        batch = InvitationBatch.objects.create(
            enterprise_quality=enterprise_quality,
            mandate=mandate,
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
            details={"rows": len(rows), "errors": error_rows}
            | ({"mandate": mandate.pk} if mandate else {}),
        )
        claim.record(batch=batch.pk)
    return batch


def _invitees(rows) -> list[tuple]:
    return [(r["email"], r["national_number"], frozenset(r["role_ids"])) for r in rows]


def _flag_already_invited(enterprise_quality, mandate, rows) -> None:
    """A valid row whose person an open invitation already invites to the same roles gets
    the invitation form's refusal as its error: the preview shows it, nothing is sent."""
    valid = [r for r in rows if not r["errors"]]
    found = _already_invited(enterprise_quality, mandate, _invitees(valid))
    for row in valid:
        key = (row["email"].lower(), row["national_number"])
        if key in found:
            row["errors"].append(str(_already_invited_message({key})))


def batch_confirm(*, actor, batch: InvitationBatch, submission_key: str = "") -> int:
    """Create the valid rows' invitations in bulk; one outbox message per chunk."""
    valid = [r for r in batch.rows if not r["errors"]]
    if not valid:
        raise Refusal(_("No valid row to send."))
    eq = batch.enterprise_quality
    mandate = batch.mandate
    with transaction.atomic():
        submissions.claim(user=actor, key=submission_key)
        # Under a mandate ended since the upload: refused, and nothing sent.
        _hold_mandate(eq, mandate)
        # Invited meanwhile (another batch, the form): the same refusal as the form's.
        already = _already_invited(eq, mandate, _invitees(valid))
        if already:
            raise Refusal(_already_invited_message(already))
        _check_and_count_invitations(actor=actor, enterprise=eq.enterprise, count=len(valid))
        claimed = InvitationBatch.objects.filter(
            pk=batch.pk, status=InvitationBatch.Status.DRAFT
        ).update(status=InvitationBatch.Status.CONFIRMED, confirmed_at=timezone.now())
        if not claimed:
            raise Refusal(_("This batch was already sent."))
        invitations = Invitation.objects.bulk_create(
            [
                Invitation(
                    enterprise=mandate.mandator if mandate else eq.enterprise,
                    enterprise_quality=eq,
                    mandate=mandate,
                    invited_by=actor,
                    first_name=r["first_name"],
                    last_name=r["last_name"],
                    email=r["email"],
                    national_number=r["national_number"],
                    language=actor.language or default_language(),
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
