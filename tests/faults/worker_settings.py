"""Settings of the worker processes the fault tests start: the test settings, with tasks
going through the broker and short retry delays (1 s, then 2 s; three attempts in all)."""

from portal.settings_test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False  # retries and fan-out go back through Redis
TASK_RETRY_BACKOFF = 1
TASK_RETRY_JITTER = False  # exact delays, so the test can measure the backoff
TASK_MAX_RETRIES = 2
