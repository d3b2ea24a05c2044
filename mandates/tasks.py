"""Celery tasks of the mandates between enterprises. They take ids only and are idempotent."""

from celery import shared_task
from django.urls import reverse

from mandates import rules, selectors, services, task_names
from mandates.models import ClientMandate
from portal.mail import absolute_url
from portal.models import Action, AuditEvent
from portal.notices import RETRY, notice, with_retries


@shared_task(bind=True, name=task_names.NOTIFY_MANDATE_CHANGED, **RETRY)
def notify_mandate_changed(self, mandate_id: int, event_id: int) -> None:
    """Tell both enterprises' access managers, each in their language, what changed (the
    audit event `event_id` says what: each change is its own notice, sent once)."""
    with_retries(self, lambda: _notify(self, mandate_id, event_id))


def _notify(task, mandate_id: int, event_id: int) -> None:
    mandate = (
        ClientMandate.objects.filter(pk=mandate_id)
        .select_related("mandator", "mandatary", "group")
        .first()
    )
    event = AuditEvent.objects.filter(pk=event_id).first()
    if mandate is None or event is None:
        return
    seen: set[str] = set()
    for side in rules.Side:
        enterprise = mandate.mandator if side is rules.Side.MANDATOR else mandate.mandatary
        url = absolute_url(
            reverse("mandates:detail", kwargs={"number": enterprise.number, "pk": mandate.pk})
        )
        for email, language in selectors.access_managers_of(enterprise):
            if email.lower() in seen:
                continue  # the access manager of both enterprises gets one e-mail
            seen.add(email.lower())
            notice(
                task,
                template="emails/mandate_changed",
                to=email,
                language=language,
                context={
                    "mandate": mandate,
                    "what": Action(event.action).label,
                    "enterprise": enterprise,
                    "url": url,
                },
            )
    if event.action in ROLES_END_WITH:
        _notify_role_managers(task, mandate, event, seen)


# The changes that end the roles given under a mandate: the provider's local managers who
# gave them are told too (they are no access managers, and their staff lose the access).
ROLES_END_WITH = frozenset({Action.MANDATE_ENDED, Action.MANDATE_TRANSFERRED})


def _notify_role_managers(task, mandate, event, seen: set[str]) -> None:
    for eq, email, language in selectors.role_managers_under(mandate):
        if not email or email.lower() in seen:
            continue
        seen.add(email.lower())
        url = absolute_url(reverse("roles:list", kwargs={"eq_id": eq.pk}))
        notice(
            task,
            template="emails/mandate_roles_end",
            to=email,
            language=language,
            context={
                "mandate": mandate,
                "what": Action(event.action).label,
                "transferred": event.action == Action.MANDATE_TRANSFERRED,
                "eq": eq,
                "url": f"{url}?client={mandate.mandator.number}",
            },
        )


@shared_task(name=task_names.EXPIRE_PROPOSALS)
def expire_proposals() -> int:
    return services.proposals_expire()


@shared_task(name=task_names.RUN_PROPOSAL_BATCH, acks_late=True)
def run_proposal_batch(batch_id: int) -> int:
    """One chunk of a confirmed file of proposals; the service queues the next one."""
    return services.proposal_batch_run(batch_id=batch_id)
