"""Celery tasks of the roles app. They take ids only and are idempotent.

Invitation sending is guarded by a leased state change in the database (see
roles/delivery.py); notifications read addresses when they run and retry on SMTP errors
with backoff.
"""

import logging

from celery import shared_task
from django.urls import reverse

from portal.languages import default_language
from portal.mail import absolute_url
from portal.notices import RETRY
from portal.notices import notice as _notice
from portal.notices import with_retries as _with_retries
from roles import delivery, selectors, services, task_names
from roles.models import AccessRequest, EmailChange, Invitation, RoleAttribution

logger = logging.getLogger(__name__)


@shared_task(bind=True, name=task_names.SEND_INVITATIONS)
def send_invitations(self, *invitation_ids: int) -> int:
    """Deliver a chunk of invitations (see roles/delivery.py); returns how many were sent.

    Retries are not Celery retries: each invitation that failed is queued again by the
    delivery itself, with its own attempt count and backoff, in the transaction that
    records the failure.
    """
    outcome = delivery.deliver(list(invitation_ids), claim=self.request.id)
    return len(outcome.sent)


@shared_task(name=task_names.RESUME_STALLED_DELIVERIES)
def resume_stalled_deliveries() -> int:
    return delivery.resume_stalled()


def _attribution(attribution_id: int) -> RoleAttribution | None:
    return (
        RoleAttribution.objects.filter(pk=attribution_id)
        .select_related(
            "enterprise",
            "enterprise_quality__quality",
            "role__application",
            "person",
            "mandate__mandatary",
        )
        .first()
    )


def _language(attribution: RoleAttribution) -> str:
    return attribution.person.language if attribution.person else default_language()


@shared_task(bind=True, name=task_names.NOTIFY_ATTRIBUTION, **RETRY)
def notify_attribution(self, attribution_id: int) -> None:
    _with_retries(self, lambda: _notify_attribution(self, attribution_id))


def _notify_attribution(task, attribution_id: int) -> None:
    attribution = _attribution(attribution_id)
    if attribution is None or not attribution.is_active:
        return
    _notice(
        task,
        template="emails/role_granted",
        to=attribution.email,
        language=_language(attribution),
        context={"attribution": attribution, "url": absolute_url(reverse("roles:profile"))},
    )


@shared_task(bind=True, name=task_names.NOTIFY_ATTRIBUTION_ENDED, **RETRY)
def notify_attribution_ended(self, attribution_id: int) -> None:
    _with_retries(self, lambda: _notify_attribution_ended(self, attribution_id))


def _notify_attribution_ended(task, attribution_id: int) -> None:
    attribution = _attribution(attribution_id)
    if attribution is None:
        return
    _notice(
        task,
        template="emails/role_ended",
        to=attribution.email,
        language=_language(attribution),
        context={"attribution": attribution, "url": absolute_url(reverse("roles:profile"))},
    )


@shared_task(bind=True, name=task_names.NOTIFY_MANAGERS_DEACTIVATED, **RETRY)
def notify_managers_deactivated(self, attribution_id: int) -> None:
    _with_retries(self, lambda: _notify_managers_deactivated(self, attribution_id))


def _notify_managers_deactivated(task, attribution_id: int) -> None:
    attribution = _attribution(attribution_id)
    if attribution is None:
        return
    url = absolute_url(
        reverse("roles:attribution", args=[attribution.enterprise_quality_id, attribution.pk])
    )
    for manager in selectors.managers_of(attribution.enterprise_quality):
        _notice(
            task,
            template="emails/role_deactivated",
            to=manager.email,
            language=manager.language,
            context={"attribution": attribution, "manager": manager, "url": url},
        )


@shared_task(bind=True, name=task_names.NOTIFY_RENEWAL_REQUESTED, **RETRY)
def notify_renewal_requested(self, invitation_id: int, event_id: int | None = None) -> None:
    # event_id (the request's audit event) tells one request from the next in the notice
    # ledger: the invitee may ask again the next day.
    _with_retries(self, lambda: _notify_renewal_requested(self, invitation_id))


def _notify_renewal_requested(task, invitation_id: int) -> None:
    invitation = (
        Invitation.objects.filter(pk=invitation_id)
        .select_related("invited_by", "enterprise", "enterprise_quality__quality")
        .first()
    )
    if invitation is None:
        return
    url = absolute_url(reverse("roles:invitations", args=[invitation.enterprise_quality_id]))
    _notice(
        task,
        template="emails/invitation_renewal",
        to=invitation.invited_by.email,
        language=invitation.invited_by.language,
        context={"invitation": invitation, "url": url},
    )


@shared_task(bind=True, name=task_names.NOTIFY_ACCESS_REQUEST, **RETRY)
def notify_access_request(self, request_id: int) -> None:
    _with_retries(self, lambda: _notify_access_request(self, request_id))


def _notify_access_request(task, request_id: int) -> None:
    request = (
        AccessRequest.objects.filter(pk=request_id)
        .select_related("link__enterprise_quality__enterprise", "link__created_by", "person")
        .first()
    )
    if request is None:
        return
    manager = request.link.created_by
    url = absolute_url(reverse("roles:links", args=[request.link.enterprise_quality_id]))
    _notice(
        task,
        template="emails/role_request",
        to=manager.email,
        language=manager.language,
        context={"request": request, "url": url},
    )


@shared_task(bind=True, name=task_names.NOTIFY_ACCESS_DECISION, **RETRY)
def notify_access_decision(self, request_id: int) -> None:
    _with_retries(self, lambda: _notify_access_decision(self, request_id))


def _notify_access_decision(task, request_id: int) -> None:
    request = (
        AccessRequest.objects.filter(pk=request_id)
        .select_related("link__enterprise_quality__enterprise", "person")
        .first()
    )
    if request is None:
        return
    _notice(
        task,
        template="emails/role_request_decided",
        to=request.person.email,
        language=request.person.language,
        context={"request": request, "url": absolute_url(reverse("roles:profile"))},
    )


@shared_task(bind=True, name=task_names.SEND_EMAIL_CHANGE, **RETRY)
def send_email_change(self, change_id: int) -> None:
    _with_retries(self, lambda: _send_email_change(self, change_id))


def _send_email_change(task, change_id: int) -> None:
    change = EmailChange.objects.filter(pk=change_id).select_related("person").first()
    if change is None or change.status != EmailChange.Status.PENDING:
        return
    token = services.email_change_token(change)
    language = change.person.language
    _notice(
        task,
        template="emails/role_email_verify",
        to=change.new_email,
        language=language,
        context={
            "change": change,
            "url": absolute_url(reverse("roles:profile_email_verify", args=[token])),
        },
    )
    for old in change.old_emails:
        _notice(
            task,
            template="emails/role_email_notice",
            to=old,
            language=language,
            context={"change": change},
        )


@shared_task(bind=True, name=task_names.SEND_REMINDER, **RETRY)
def send_reminder(self, attribution_id: int) -> None:
    _with_retries(self, lambda: _send_reminder(self, attribution_id))


def _send_reminder(task, attribution_id: int) -> None:
    attribution = _attribution(attribution_id)
    if attribution is None or not attribution.is_active:
        return
    _notice(
        task,
        template="emails/role_reminder",
        to=attribution.email,
        language=_language(attribution),
        context={"attribution": attribution, "url": absolute_url(reverse("roles:profile"))},
    )
    url = absolute_url(
        reverse("roles:attribution", args=[attribution.enterprise_quality_id, attribution.pk])
    )
    for manager in selectors.managers_of(attribution.enterprise_quality):
        _notice(
            task,
            template="emails/role_reminder_manager",
            to=manager.email,
            language=manager.language,
            context={"attribution": attribution, "manager": manager, "url": url},
        )


@shared_task(name=task_names.EXPIRE_DUE)
def expire_due() -> dict:
    return services.expire_due()


@shared_task(name=task_names.SEND_REMINDERS)
def send_reminders() -> int:
    return services.send_reminders()
