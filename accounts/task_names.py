"""The registered names of the accounts app's Celery tasks, declared once.

`accounts/services.py` enqueues by these names and never imports `accounts.tasks`: see
`roles/task_names.py`.
"""

NOTIFY_IDENTITY_VERIFIED = "accounts.notify_identity_verified"
