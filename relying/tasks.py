"""Celery tasks of the relying applications: revocation events. They take ids only and are
idempotent: making events twice creates nothing new (`relying/events.py`), and a delivery
acts only under its claim on a pending event (`relying/delivery.py`)."""

from celery import shared_task

from relying import delivery, events, task_names


@shared_task(name=task_names.ATTRIBUTIONS_ENDED)
def attributions_ended(*attribution_ids: int) -> int:
    return len(events.attributions_ended(attribution_ids))


@shared_task(name=task_names.QUALITY_DEACTIVATED)
def quality_deactivated(enterprise_quality_id: int, audit_event_id: int) -> int:
    return len(events.quality_deactivated(enterprise_quality_id, audit_event_id))


@shared_task(name=task_names.ENTERPRISES_STOPPED)
def enterprises_stopped(audit_event_id: int, *enterprise_ids: int) -> int:
    return len(events.enterprises_stopped(audit_event_id, enterprise_ids))


@shared_task(bind=True, name=task_names.DELIVER_EVENT)
def deliver_event(self, event_id: int) -> str:
    """Push one event. Retries are not Celery retries: a failed push is queued again by the
    delivery itself, through the outbox, with the event's own attempt count and backoff."""
    return delivery.deliver(event_id, claim=self.request.id)


@shared_task(name=task_names.RESUME_STALLED_EVENTS)
def resume_stalled_events() -> int:
    return delivery.resume_stalled()
