"""The registered names of the roles app's Celery tasks, declared once.

Services and `roles/delivery.py` enqueue by these names (`portal.outbox.enqueue`) and never
import `roles.tasks`, which imports them: the dependency points one way. The tasks are
registered under the same constants, and the outbox refuses a name Celery does not know.
"""

SEND_INVITATIONS = "roles.send_invitations"
RESUME_STALLED_DELIVERIES = "roles.resume_stalled_deliveries"
NOTIFY_ATTRIBUTION = "roles.notify_attribution"
NOTIFY_ATTRIBUTION_ENDED = "roles.notify_attribution_ended"
NOTIFY_MANAGERS_DEACTIVATED = "roles.notify_managers_deactivated"
NOTIFY_RENEWAL_REQUESTED = "roles.notify_renewal_requested"
NOTIFY_ACCESS_REQUEST = "roles.notify_access_request"
NOTIFY_ACCESS_DECISION = "roles.notify_access_decision"
SEND_EMAIL_CHANGE = "roles.send_email_change"
SEND_REMINDER = "roles.send_reminder"
EXPIRE_DUE = "roles.expire_due"
SEND_REMINDERS = "roles.send_reminders"
