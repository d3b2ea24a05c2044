"""The single way to write an audit event.

Services call `audit()` inside their transaction, so the event exists if and only if the
state change does. The acting request's IP comes from the request context (middleware).
"""

from typing import Any

from django.db import models

from portal.models import AuditEvent
from portal.request_context import current_ip


def _label(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{full} <{user.email}>" if full else user.email


def audit(
    *,
    actor,
    action: str,
    enterprise=None,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=_label(actor),
        action=action,
        enterprise=enterprise,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:255] if target is not None else "",
        details=details or {},
        ip_address=current_ip(),
    )
