"""The registered names of the mandates' Celery tasks, declared once.

`mandates/services.py` enqueues by these names and never imports `mandates.tasks` (which
imports the services): see `roles/task_names.py`.
"""

NOTIFY_MANDATE_CHANGED = "mandates.notify_mandate_changed"
EXPIRE_PROPOSALS = "mandates.expire_proposals"
RUN_PROPOSAL_BATCH = "mandates.run_proposal_batch"
