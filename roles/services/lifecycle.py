"""What time does (Celery beat): attributions past their end date and invitations past
their link's expiry expire; attributions about to end get one reminder.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.audit import Action, audit
from portal.outbox import enqueue
from relying import task_names as relying_task_names
from roles import task_names
from roles.models import Invitation, RoleAttribution

# Attribution ids per revocation-events message when many expire at once.
EVENT_CHUNK = 500


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
        # The applications are told, a bounded number of ids per message.
        for start in range(0, len(attributions), EVENT_CHUNK):
            chunk = attributions[start : start + EVENT_CHUNK]
            enqueue(relying_task_names.ATTRIBUTIONS_ENDED, *[a.pk for a in chunk])
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
                enqueue(task_names.SEND_REMINDER, pk)
                count += 1
    return count
