"""Every state change of a mandate between enterprises.

Each service: keyword-only, an explicit `actor` and the enterprise they act from, one
transaction, the *mandator's* row locked first (`select_for_update`), so that every change
of one client's mandates — two validations racing for the same quarter included — runs one
after the other and the overlap check sees the other's result; `full_clean()` before saving;
the audit event in the same transaction; the e-mail to both enterprises' access managers
enqueued through the outbox (published on commit).

The rules are checked here whoever asks (the page's loader asked first, to show the right
buttons): who may act comes from `enterprises.access.Access` and `mandates/rules.py`, the
parties, dates and overlap from the functions below. A refusal raises
`portal.refusals.Refusal` with a translated message; nothing has changed.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enterprises.access import Access
from enterprises.models import Enterprise, EnterpriseQuality, Registration
from enterprises.numbers import normalize_enterprise_number
from mandates import bulk_csv, rules, task_names
from mandates.models import ClientMandate, ProposalBatch, ProposalRow
from portal import submissions
from portal.audit import Action, audit
from portal.languages import default_language
from portal.outbox import enqueue
from portal.refusals import Refusal, refusal_text, refusing_invalid
from portal.text import max_length, printable
from roles import services as role_services
from roles.models import ApplicationGroup

Side = rules.Side
State = ClientMandate.State


def _lock(enterprise: Enterprise) -> Enterprise:
    # The mandator's row: every change of its mandates is serialised on it.
    return Enterprise.objects.select_for_update().get(pk=enterprise.pk)


def _day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _details(mandate: ClientMandate, **extra) -> dict:
    return {
        "mandator": mandate.mandator.number,
        "mandatary": mandate.mandatary.number,
        "group": mandate.group.code,
        "start": mandate.start_date.isoformat(),
        "end": mandate.end_date.isoformat() if mandate.end_date else None,
        **extra,
    }


def _record(*, actor, mandate: ClientMandate, action: Action, **extra) -> None:
    """The audit event of one change (on the mandator's trail, both numbers in its details)
    and the e-mail telling both enterprises' access managers about it."""
    event = audit(
        actor=actor,
        action=action,
        enterprise=mandate.mandator,
        target=mandate,
        details=_details(mandate, **extra),
    )
    enqueue(task_names.NOTIFY_MANDATE_CHANGED, mandate.pk, event.pk)


# --- The rules every change checks -----------------------------------------------------------


def _require(*, actor, enterprise: Enterprise, mandate: ClientMandate, action: str) -> Side:
    access = Access(actor, enterprise)
    side = access.mandate_side(mandate)
    if side is None or not access.may_act_on_mandate(mandate, action):
        if mandate.state != rules.ACTIONS[action].from_state:
            raise Refusal(
                _("This mandate is %(state)s: it can no longer be changed this way.")
                % {"state": mandate.get_state_display()},
                code="state_moved_on",
            )
        raise Refusal(rules.ACTIONS[action].who_can, code="not_allowed")
    return side


def _check_parties(*, mandator: Enterprise, mandatary: Enterprise, group: ApplicationGroup) -> None:
    """Both enterprises active and registered, not the same one, and the mandatary holding
    (activated) a quality the group requires."""
    if mandator.pk == mandatary.pk:
        raise Refusal(_("An enterprise cannot give a mandate to itself."), code="itself")
    if not group.is_available:
        raise Refusal(_("This application group is not available."), code="group_unavailable")
    registered = set(
        Registration.objects.filter(enterprise__in=[mandator, mandatary]).values_list(
            "enterprise_id", flat=True
        )
    )
    for enterprise in (mandator, mandatary):
        if not enterprise.is_active:
            raise Refusal(
                _("%(name)s is not active in the Crossroads Bank for Enterprises.")
                % {"name": enterprise.name},
                code="inactive",
            )
        if enterprise.pk not in registered:
            raise Refusal(
                _(
                    "%(name)s is not registered on the portal: its legal representative "
                    "registers it first."
                )
                % {"name": enterprise.name},
                code="not_registered",
            )
    qualities = list(group.mandatary_qualities.all())
    holds = EnterpriseQuality.objects.filter(
        enterprise=mandatary, quality__in=qualities, status=EnterpriseQuality.Status.ACTIVE
    ).exists()
    if not holds:
        raise Refusal(
            _(
                "%(name)s has not activated a quality that “%(group)s” requires (%(qualities)s): "
                "its access manager activates one first."
            )
            % {
                "name": mandatary.name,
                "group": group.name,
                "qualities": ", ".join(q.name for q in qualities) or "—",
            },
            code="quality_missing",
        )


def _check_dates(
    *, group: ApplicationGroup, start: date, end: date | None, today: date | None = None
) -> None:
    """End not before start nor in the past; quarter boundaries for the groups that say so."""
    today = today or timezone.localdate()
    if end is not None and end < start:
        raise Refusal(_("The end date is before the start date."), code="dates_order")
    if end is not None and end < today:
        raise Refusal(_("The end date is in the past."), code="end_past")
    if group.quarterly:
        if not rules.is_quarter_start(start):
            raise Refusal(
                _(
                    "“%(group)s” follows quarters: a mandate starts on the first day of a "
                    "quarter (for instance %(example)s)."
                )
                % {"group": group.name, "example": _day(rules.next_quarter_start(start))},
                code="quarter_start",
            )
        if end is not None and not rules.is_quarter_end(end):
            raise Refusal(
                _(
                    "“%(group)s” follows quarters: a mandate ends on the last day of a quarter "
                    "(for instance %(example)s)."
                )
                % {"group": group.name, "example": _day(rules.quarter_end(end))},
                code="quarter_end",
            )


def _check_no_overlap(
    *,
    mandator: Enterprise,
    group: ApplicationGroup,
    start: date,
    end: date | None,
    exclude: tuple[int, ...] = (),
) -> None:
    """One mandate holds a mandator's group on any day: the refusal names the provider and
    the dates of the one in the way. Called under the mandator's lock."""
    clash = (
        ClientMandate.objects.filter(mandator=mandator, group=group)
        .holding()
        .overlapping(start, end)
        .exclude(pk__in=exclude)
        .select_related("mandatary")
        .order_by("start_date", "id")
        .first()
    )
    if clash is None:
        return
    params = {
        "client": mandator.name,
        "group": group.name,
        "provider": clash.mandatary.name,
        "number": clash.mandatary.number_display,
        "start": _day(clash.start_date),
    }
    if clash.end_date:
        message = _(
            "%(client)s already gives %(provider)s (%(number)s) a mandate for “%(group)s” from "
            "%(start)s to %(end)s: the periods overlap. End or transfer that mandate first."
        ) % {**params, "end": _day(clash.end_date)}
    else:
        message = (
            _(
                "%(client)s already gives %(provider)s (%(number)s) a mandate for “%(group)s” from "
                "%(start)s, with no end date: the periods overlap. End or transfer that mandate "
                "first."
            )
            % params
        )
    raise Refusal(message, code="overlap")


def _check_not_proposed(*, mandator, mandatary, group, start, end) -> None:
    waiting = (
        ClientMandate.objects.filter(
            mandator=mandator, mandatary=mandatary, group=group, state=State.PROPOSED
        )
        .overlapping(start, end)
        .exists()
    )
    if waiting:
        raise Refusal(
            _("The same mandate is already proposed and waiting for an answer."),
            code="already_proposed",
        )


def _check_proposal(*, mandator, mandatary, group, start, end) -> None:
    """Every rule a new proposal meets (the parties, the dates, no overlap, not already
    proposed): `mandate_propose` asks it under the mandator's lock, the preview of a file of
    proposals asks it for each row without one (the work asks `mandate_propose` again)."""
    _check_parties(mandator=mandator, mandatary=mandatary, group=group)
    _check_dates(group=group, start=start, end=end)
    _check_no_overlap(mandator=mandator, group=group, start=start, end=end)
    _check_not_proposed(mandator=mandator, mandatary=mandatary, group=group, start=start, end=end)


# --- The changes ---------------------------------------------------------------------------------


def _new(
    *,
    actor,
    side: Side,
    mandator: Enterprise,
    mandatary: Enterprise,
    group: ApplicationGroup,
    start: date,
    end: date | None,
    transfer_of: ClientMandate | None = None,
) -> ClientMandate:
    mandate = ClientMandate(
        mandator=mandator,
        mandatary=mandatary,
        group=group,
        start_date=start,
        end_date=end,
        state=State.PROPOSED,
        proposed_by_side=side.value,
        proposed_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.MANDATE_PROPOSAL_DAYS),
        transfer_of=transfer_of,
    )
    with refusing_invalid():
        mandate.full_clean()
    mandate.save()
    return mandate


def mandate_propose(
    *,
    actor,
    enterprise: Enterprise,
    side: Side,
    other: Enterprise,
    group: ApplicationGroup,
    start_date: date,
    end_date: date | None = None,
    submission_key: str = "",
) -> ClientMandate:
    """An access manager of `enterprise` proposes a mandate to `other`: `side` is the side
    `enterprise` takes (the client proposing a provider, or a provider proposing itself to
    a client). The other side's access managers validate or refuse it."""
    side = Side(side)
    mandator, mandatary = (enterprise, other) if side is Side.MANDATOR else (other, enterprise)
    with transaction.atomic():
        submissions.claim(user=actor, key=submission_key)
        if not Access(actor, enterprise).may_manage_mandates:
            raise Refusal(rules.MANAGED_BY, code="not_allowed")
        mandator = _lock(mandator)
        _check_proposal(
            mandator=mandator, mandatary=mandatary, group=group, start=start_date, end=end_date
        )
        mandate = _new(
            actor=actor,
            side=side,
            mandator=mandator,
            mandatary=mandatary,
            group=group,
            start=start_date,
            end=end_date,
        )
        _record(actor=actor, mandate=mandate, action=Action.MANDATE_PROPOSED, side=side.value)
        return mandate


def _locked(mandate: ClientMandate) -> ClientMandate:
    _lock(mandate.mandator)
    return (
        ClientMandate.objects.select_for_update(of=("self",))
        .select_related("mandator", "mandatary", "group", "transfer_of")
        .get(pk=mandate.pk)
    )


def mandate_validate(
    *, actor, mandate: ClientMandate, enterprise: Enterprise, submission_key: str = ""
) -> ClientMandate:
    """The other side agrees: the mandate is active. For a transfer, in the same transaction,
    the mandate it replaces ends the day before (state transferred): no gap, no overlap."""
    with transaction.atomic():
        submissions.claim(user=actor, key=submission_key)
        mandate = _locked(mandate)
        _require(actor=actor, enterprise=enterprise, mandate=mandate, action="validate")
        _check_parties(mandator=mandate.mandator, mandatary=mandate.mandatary, group=mandate.group)
        if mandate.end_date is not None and mandate.end_date < timezone.localdate():
            raise Refusal(_("The proposed period is over."), code="end_past")
        old = mandate.transfer_of
        if old is not None:
            old = ClientMandate.objects.select_for_update().get(pk=old.pk)
            if old.state != State.ACTIVE:
                raise Refusal(
                    _("The mandate this transfer replaces is no longer active."),
                    code="transfer_of_inactive",
                )
        exclude = (old.pk,) if old is not None else ()
        _check_no_overlap(
            mandator=mandate.mandator,
            group=mandate.group,
            start=mandate.start_date,
            end=mandate.end_date,
            exclude=exclude,
        )
        now = timezone.now()
        if old is not None:
            old.state = State.TRANSFERRED
            old.end_date = mandate.start_date - timedelta(days=1)
            old.ended_at = now
            old.ended_by = actor
            with refusing_invalid():
                old.full_clean()
            old.save(update_fields=["state", "end_date", "ended_at", "ended_by", "updated_at"])
            _record(actor=actor, mandate=old, action=Action.MANDATE_TRANSFERRED, to=mandate.pk)
            role_services.attributions_end_with_mandate(actor=actor, mandate=old)
        mandate.state = State.ACTIVE
        mandate.answered_by = actor
        mandate.answered_at = now
        mandate.save(update_fields=["state", "answered_by", "answered_at", "updated_at"])
        _record(actor=actor, mandate=mandate, action=Action.MANDATE_VALIDATED)
        return mandate


def mandate_refuse(
    *, actor, mandate: ClientMandate, enterprise: Enterprise, submission_key: str = ""
) -> ClientMandate:
    with transaction.atomic():
        submissions.claim(user=actor, key=submission_key)
        mandate = _locked(mandate)
        _require(actor=actor, enterprise=enterprise, mandate=mandate, action="refuse")
        mandate.state = State.REFUSED
        mandate.answered_by = actor
        mandate.answered_at = timezone.now()
        mandate.save(update_fields=["state", "answered_by", "answered_at", "updated_at"])
        _record(actor=actor, mandate=mandate, action=Action.MANDATE_REFUSED)
        return mandate


def mandate_end(
    *, actor, mandate: ClientMandate, enterprise: Enterprise, submission_key: str = ""
) -> ClientMandate:
    """Either side ends an active mandate, at once (the mandator may at any time): the
    provider acts for the client no more from the next request on."""
    with transaction.atomic():
        submissions.claim(user=actor, key=submission_key)
        mandate = _locked(mandate)
        side = _require(actor=actor, enterprise=enterprise, mandate=mandate, action="end")
        mandate.state = State.ENDED
        mandate.ended_by = actor
        mandate.ended_at = timezone.now()
        mandate.save(update_fields=["state", "ended_by", "ended_at", "updated_at"])
        _record(actor=actor, mandate=mandate, action=Action.MANDATE_ENDED, side=side.value)
        # The provider's staff stop acting for the client with it, in this transaction.
        role_services.attributions_end_with_mandate(actor=actor, mandate=mandate)
        return mandate


def mandate_transfer(
    *,
    actor,
    mandate: ClientMandate,
    enterprise: Enterprise,
    new_mandatary: Enterprise,
    start_date: date,
    submission_key: str = "",
) -> ClientMandate:
    """The mandator proposes to move an active mandate to another provider from
    `start_date` (a quarter's first day for the groups that follow quarters). The new
    provider validates it (`mandate_validate`), which ends the old one the day before."""
    with transaction.atomic():
        submissions.claim(user=actor, key=submission_key)
        mandate = _locked(mandate)
        _require(actor=actor, enterprise=enterprise, mandate=mandate, action="transfer")
        if new_mandatary.pk == mandate.mandatary_id:
            raise Refusal(
                _("The mandate is already given to this provider: choose another one."),
                code="same_provider",
            )
        if start_date <= mandate.start_date:
            raise Refusal(
                _("The transfer starts after the current mandate's start (%(start)s).")
                % {"start": _day(mandate.start_date)},
                code="transfer_too_early",
            )
        if start_date <= timezone.localdate():
            raise Refusal(_("The transfer starts after today."), code="transfer_past")
        if mandate.end_date is not None and start_date > mandate.end_date:
            raise Refusal(
                _("The current mandate ends on %(end)s: the transfer starts on that day or before.")
                % {"end": _day(mandate.end_date)},
                code="transfer_too_late",
            )
        group = mandate.group
        _check_parties(mandator=mandate.mandator, mandatary=new_mandatary, group=group)
        _check_dates(group=group, start=start_date, end=mandate.end_date)
        _check_no_overlap(
            mandator=mandate.mandator,
            group=group,
            start=start_date,
            end=mandate.end_date,
            exclude=(mandate.pk,),
        )
        _check_not_proposed(
            mandator=mandate.mandator,
            mandatary=new_mandatary,
            group=group,
            start=start_date,
            end=mandate.end_date,
        )
        proposal = _new(
            actor=actor,
            side=Side.MANDATOR,
            mandator=mandate.mandator,
            mandatary=new_mandatary,
            group=group,
            start=start_date,
            end=mandate.end_date,
            transfer_of=mandate,
        )
        _record(
            actor=actor,
            mandate=proposal,
            action=Action.MANDATE_TRANSFER_PROPOSED,
            transfer_of=mandate.pk,
        )
        return proposal


def proposals_expire(*, now=None) -> int:
    """Proposals nobody answered in time become `expired` (beat task); each is told."""
    now = now or timezone.now()
    count = 0
    due = ClientMandate.objects.filter(state=State.PROPOSED, expires_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            mandate = (
                ClientMandate.objects.select_for_update()
                .filter(pk=pk, state=State.PROPOSED, expires_at__lte=now)
                .select_related("mandator", "mandatary", "group")
                .first()
            )
            if mandate is None:
                continue
            mandate.state = State.EXPIRED
            mandate.save(update_fields=["state", "updated_at"])
            _record(actor=None, mandate=mandate, action=Action.MANDATE_EXPIRED)
            count += 1
    return count


# --- A file of proposals, and validating many at once -------------------------------------------

# Rows one run of the task proposes before it queues the next run: a worker's run stays short
# (a restart loses little) and other tasks get their turn between chunks.
BATCH_CHUNK = 200
VALIDATE_MANY_LIMIT = rules.VALIDATE_MANY_LIMIT


def proposal_batch_parse(
    *, actor, enterprise: Enterprise, uploaded, submission_key: str = ""
) -> ProposalBatch:
    """A provider's access manager sends a CSV of proposals (the provider proposing itself
    to each client): every row checked with the rules of `mandate_propose` and stored as a
    draft batch with its errors. Nothing is proposed yet."""
    if not Access(actor, enterprise).may_manage_mandates:
        raise Refusal(rules.MANAGED_BY, code="not_allowed")
    lines = bulk_csv.read(uploaded.read())
    numbers: dict[int, str] = {}
    for line in lines:
        if line.errors:
            continue
        try:
            numbers[line.line] = normalize_enterprise_number(line.number)
        except ValidationError as exc:
            line.errors.append(refusal_text(exc))
    clients = {e.number: e for e in Enterprise.objects.filter(number__in=set(numbers.values()))}
    groups = {g.code: g for g in ApplicationGroup.objects.filter(is_available=True)}
    seen: dict[tuple[int, int], int] = {}
    rows = []
    for line in lines:
        client = clients.get(numbers.get(line.line, ""))
        group = groups.get(line.group)
        if not line.errors:
            if client is None:
                line.errors.append(
                    gettext("No enterprise with the number %(number)s is known to the registry.")
                    % {"number": line.number}
                )
            if group is None:
                line.errors.append(
                    gettext("No application group has the code “%(code)s”.") % {"code": line.group}
                )
        if not line.errors:
            earlier = seen.get((client.pk, group.pk))
            if earlier is not None:
                line.errors.append(
                    gettext("Line %(line)d already proposes this client for these applications.")
                    % {"line": earlier}
                )
            else:
                seen[(client.pk, group.pk)] = line.line
        if not line.errors:
            try:
                _check_proposal(
                    mandator=client,
                    mandatary=enterprise,
                    group=group,
                    start=line.start_date,
                    end=line.end_date,
                )
            except Refusal as exc:
                line.errors.append(refusal_text(exc))
        rows.append(
            ProposalRow(
                line=line.line,
                number=line.number,
                group_code=line.group,
                client=client if not line.errors else None,
                group=group if not line.errors else None,
                start_date=line.start_date,
                end_date=line.end_date,
                status=ProposalRow.Status.INVALID if line.errors else ProposalRow.Status.PENDING,
                errors=line.errors,
            )
        )
    error_rows = sum(1 for row in rows if row.errors)
    with transaction.atomic():
        claim = submissions.claim(user=actor, key=submission_key)
        batch = ProposalBatch.objects.create(
            enterprise=enterprise,
            created_by=actor,
            filename=printable(getattr(uploaded, "name", "") or "")[
                : max_length(ProposalBatch, "filename")
            ],
            total_rows=len(rows),
            valid_rows=len(rows) - error_rows,
            error_rows=error_rows,
        )
        for row in rows:
            row.batch = batch
        ProposalRow.objects.bulk_create(rows, batch_size=1000)
        audit(
            actor=actor,
            action=Action.MANDATE_BATCH_UPLOADED,
            enterprise=enterprise,
            target=batch,
            details={"rows": len(rows), "errors": error_rows},
        )
        claim.record(batch=batch.pk)
    return batch


def proposal_batch_confirm(*, actor, batch: ProposalBatch, submission_key: str = "") -> int:
    """Propose the batch's valid rows: the work runs in Celery (`RUN_PROPOSAL_BATCH`), in
    chunks, each row in its own transaction; the progress page counts the rows."""
    with transaction.atomic():
        submissions.claim(user=actor, key=submission_key)
        if not Access(actor, batch.enterprise).may_manage_mandates:
            raise Refusal(rules.MANAGED_BY, code="not_allowed")
        if not batch.rows.filter(status=ProposalRow.Status.PENDING).exists():
            raise Refusal(_("No valid row to propose."), code="no_valid_row")
        claimed = ProposalBatch.objects.filter(
            pk=batch.pk, status=ProposalBatch.Status.DRAFT
        ).update(
            status=ProposalBatch.Status.CONFIRMED,
            confirmed_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if not claimed:
            raise Refusal(_("This file was already confirmed."), code="already_confirmed")
        audit(
            actor=actor,
            action=Action.MANDATE_BATCH_CONFIRMED,
            enterprise=batch.enterprise,
            target=batch,
            details={"proposals": batch.valid_rows},
        )
        enqueue(task_names.RUN_PROPOSAL_BATCH, batch.pk)
    return batch.valid_rows


def proposal_batch_run(*, batch_id: int, chunk: int | None = None) -> int:
    """One run of the work: propose up to `chunk` waiting rows, each through
    `mandate_propose` in its own transaction (its rules checked again now, its audit event and
    e-mail), then queue the next run or close the batch. Returns how many rows still wait.

    Idempotent: a row is taken under its lock only while `pending` (a second copy of the
    task skips the rows the first holds or has done), so no row is proposed twice."""
    batch = (
        ProposalBatch.objects.filter(pk=batch_id, status=ProposalBatch.Status.CONFIRMED)
        .select_related("enterprise", "created_by")
        .first()
    )
    if batch is None:
        return 0
    pending = ProposalRow.objects.filter(batch=batch, status=ProposalRow.Status.PENDING)
    ids = list(pending.order_by("line").values_list("pk", flat=True)[: chunk or BATCH_CHUNK])
    # The refusals are stored in the words of the person who sent the file.
    with translation.override(batch.created_by.language or default_language()):
        for pk in ids:
            _propose_row(batch, pk)
    with transaction.atomic():
        waiting = pending.count()
        if waiting:
            enqueue(task_names.RUN_PROPOSAL_BATCH, batch.pk)
            return waiting
        finished = ProposalBatch.objects.filter(
            pk=batch.pk, status=ProposalBatch.Status.CONFIRMED
        ).update(
            status=ProposalBatch.Status.DONE,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if finished:
            counts = {
                status: ProposalRow.objects.filter(batch=batch, status=status).count()
                for status in (ProposalRow.Status.PROPOSED, ProposalRow.Status.REFUSED)
            }
            audit(
                actor=batch.created_by,
                action=Action.MANDATE_BATCH_FINISHED,
                enterprise=batch.enterprise,
                target=batch,
                details={str(status): n for status, n in counts.items()},
            )
    return 0


def _propose_row(batch: ProposalBatch, pk: int) -> None:
    with transaction.atomic():
        row = (
            ProposalRow.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk, status=ProposalRow.Status.PENDING)
            .select_related("client", "group")
            .first()
        )
        if row is None:  # done by another copy of the task, or held by it right now
            return
        try:
            # A savepoint: a refusal rolls back only this proposal.
            row.mandate = mandate_propose(
                actor=batch.created_by,
                enterprise=batch.enterprise,
                side=Side.MANDATARY,
                other=row.client,
                group=row.group,
                start_date=row.start_date,
                end_date=row.end_date,
            )
            row.status = ProposalRow.Status.PROPOSED
        except Refusal as exc:
            row.status = ProposalRow.Status.REFUSED
            row.refusal = refusal_text(exc)
        row.save(update_fields=["mandate", "status", "refusal"])


def mandates_validate_many(
    *, actor, enterprise: Enterprise, mandates, submission_key: str = ""
) -> tuple[list[ClientMandate], list[tuple[ClientMandate, str]]]:
    """Validate several proposals at once: `mandate_validate` for each, each in its own
    transaction with its own audit event and e-mails, so one refusal (a period now taken, a
    proposal of one's own) leaves the others validated. Returns (validated, [(mandate,
    reason)]). The page's key is claimed first, in a transaction of its own: sending the same
    page again validates nothing twice."""
    with transaction.atomic():
        submissions.claim(user=actor, key=submission_key)
    validated: list[ClientMandate] = []
    refused: list[tuple[ClientMandate, str]] = []
    for mandate in mandates:
        try:
            validated.append(mandate_validate(actor=actor, mandate=mandate, enterprise=enterprise))
        except Refusal as exc:
            refused.append((mandate, refusal_text(exc)))
    return validated, refused
