"""Celery tasks of the designation chain. They take ids only and are idempotent."""

import logging
import smtplib

from celery import shared_task
from django.urls import reverse

from enterprises import services, task_names
from enterprises.models import Designation, Enterprise
from portal.mail import absolute_url, send_templated_mail
from portal.notices import RETRY, notice, with_retries

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name=task_names.SEND_DESIGNATION_LINK,
    max_retries=5,
    default_retry_delay=30,
)
def send_designation_link(self, designation_id: int) -> bool:
    """E-mail the designated person a fresh acceptance link, in their language.

    The raw token exists only here and in the e-mail: the database keeps its hash. Each run
    that sends rotates the token (a resend invalidates the previous link).
    """
    issued = services.designation_link_issue(designation_id=designation_id)
    if issued is None:
        return False  # already sent, accepted, cancelled...: nothing to do
    designation, token = issued
    context = {
        "designation": designation,
        "enterprise": designation.enterprise,
        "accept_url": absolute_url(reverse("enterprises:accept", kwargs={"token": token})),
        "expires_at": designation.expires_at,
    }
    try:
        send_templated_mail(
            template="emails/designation_link",
            to=designation.email,
            language=designation.language,
            context=context,
        )
    except (smtplib.SMTPException, OSError) as exc:
        services.designation_link_unsent(designation_id=designation_id, token=token)
        logger.warning("Designation %s link not sent: %s", designation_id, exc)
        if self.request.is_eager:
            # Embedded default (no worker): no retry loop inside the web request; the
            # designator sees the link as not sent and can resend it.
            return False
        # Exponential backoff: 30 s, 60 s, 120 s, ...
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
    return True


@shared_task(name=task_names.EXPIRE_DESIGNATION_LINKS)
def expire_designation_links() -> int:
    return services.designations_expire()


@shared_task(bind=True, name=task_names.NOTIFY_RAE_REPLACED, **RETRY)
def notify_rae_replaced(self, designation_id: int) -> None:
    """Tell the replaced RAE, in their language, that they no longer manage the access."""
    with_retries(self, lambda: _notify_rae_replaced(self, designation_id))


def _notify_rae_replaced(task, designation_id: int) -> None:
    old = (
        Designation.objects.filter(pk=designation_id, status=Designation.Status.REPLACED)
        .select_related("enterprise", "person", "ended_by")
        .first()
    )
    if old is None:
        return
    # Runs on commit: the RAE who replaced them is the active one now.
    successor = (
        Designation.objects.active()
        .filter(enterprise=old.enterprise, kind=old.kind)
        .select_related("person")
        .first()
    )
    person = old.person
    notice(
        task,
        template="emails/rae_replaced",
        to=person.email if person else old.email,
        language=(person.language if person else "") or old.language,
        context={
            "designation": old,
            "enterprise": old.enterprise,
            "successor": successor,
            "url": absolute_url(reverse("enterprises:mine")),
        },
    )


@shared_task(bind=True, name=task_names.NOTIFY_REGISTRY_STOPPED, **RETRY)
def notify_registry_stopped(self, enterprise_id: int, event_id: int) -> None:
    """Tell the RAE, in their language, that the registry lists their enterprise as stopped
    (`event_id`: the audit event of that stop, which makes each stop its own notice)."""
    with_retries(self, lambda: _notify_registry_stopped(self, enterprise_id))


def _notify_registry_stopped(task, enterprise_id: int) -> None:
    enterprise = Enterprise.objects.filter(
        pk=enterprise_id, registry_stopped_at__isnull=False
    ).first()
    if enterprise is None:
        return  # active again by the time the worker runs: nothing to tell
    for rae in (
        Designation.objects.active()
        .filter(enterprise=enterprise, kind=Designation.Kind.RAE)
        .select_related("person")
    ):
        person = rae.person
        notice(
            task,
            template="emails/registry_stopped",
            to=person.email if person else rae.email,
            language=(person.language if person else "") or rae.language,
            context={
                "designation": rae,
                "enterprise": enterprise,
                "url": absolute_url(
                    reverse("enterprises:detail", kwargs={"number": enterprise.number})
                ),
            },
        )
