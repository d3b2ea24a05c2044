"""The single way to write an audit event.

Services call `audit()` inside their transaction, so the event exists if and only if the
state change does. The acting request's IP comes from the request context (middleware).
The action is a member of `Action` (its one vocabulary, with the labels histories show).
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation

from portal.models import Action, AuditEvent
from portal.request_context import current_ip

# `Action` is re-exported: services import the vocabulary with the function that takes it.
__all__ = ["Action", "audit", "audit_each"]


def _label(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{full} <{user.email}>" if full else user.email


def _action(action: Action) -> Action:
    # Checked before anything is written: a code outside the vocabulary (a typo, an action
    # added without its label) would be evidence nobody can read, so it never reaches the
    # trail. A member's exact code is the member itself (`Action` is a str enum).
    if isinstance(action, Action):
        return action
    try:
        return Action(action)
    except ValueError:
        raise ValueError(
            f"{action!r} is not an audit action: add it to portal.models.Action."
        ) from None


def _target_labels(target) -> tuple[str, dict[str, str]]:
    """The target as the actor's language names it, and as each language does when they
    differ (`AuditEvent.target_labels`)."""
    label = str(target)[:255]
    named = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            named[code] = str(target)[:255]
    return label, (named if set(named.values()) != {label} else {})


def _event(*, actor, action: Action, enterprise, target, details) -> AuditEvent:
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    label, labels = _target_labels(target) if target is not None else ("", {})
    return AuditEvent(
        actor=actor,
        actor_label=_label(actor),
        action=action,
        enterprise=enterprise,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=label,
        target_labels=labels,
        details=details or {},
        ip_address=current_ip(),
    )


def audit(
    *,
    actor,
    action: Action,
    enterprise=None,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    event = _event(
        actor=actor, action=_action(action), enterprise=enterprise, target=target, details=details
    )
    event.save()
    return event


def audit_each(
    *,
    actor,
    action: Action,
    targets: Iterable[models.Model],
    enterprise: Callable[[models.Model], Any],
    details: Callable[[models.Model], dict[str, Any] | None] = lambda target: None,
) -> list[AuditEvent]:
    """One event per target, written in one INSERT (bulk work such as a delivery chunk)."""
    action = _action(action)
    return AuditEvent.objects.bulk_create(
        [
            _event(
                actor=actor,
                action=action,
                enterprise=enterprise(target),
                target=target,
                details=details(target),
            )
            for target in targets
        ],
        batch_size=500,
    )
