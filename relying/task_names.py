"""The registered names of the relying applications' Celery tasks, declared once.

The services that end access (`roles.services`, `enterprises.services`, the registry import)
enqueue the first three by these names and never import `relying.tasks`: see
`roles/task_names.py`.
"""

# A change that ended access: each makes the revocation events of the clients concerned.
ATTRIBUTIONS_ENDED = "relying.attributions_ended"
QUALITY_DEACTIVATED = "relying.quality_deactivated"
ENTERPRISES_STOPPED = "relying.enterprises_stopped"
# Pushing one event to its application (RFC 8935), and the sweeper of stalled pushes (beat).
DELIVER_EVENT = "relying.deliver_event"
RESUME_STALLED_EVENTS = "relying.resume_stalled_events"
