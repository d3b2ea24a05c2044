"""Start-up check: every task name the code enqueues or beat schedules is a registered task.

Services enqueue by name (`portal.outbox`), so nothing but this check and the outbox itself
ties a name to a task: a renamed task or a typo in `task_names.py` or in
`CELERY_BEAT_SCHEDULE` fails `manage.py check` (and every test run) instead of leaving
messages no worker can run.
"""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, register


def declared_task_names() -> dict[str, str]:
    """{name: where it is declared} for every app's `task_names` module and beat's schedule."""
    declared = {}
    for config in apps.get_app_configs():
        module_name = f"{config.name}.task_names"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        for constant, value in vars(module).items():
            if constant.isupper() and isinstance(value, str):
                declared[value] = f"{module_name}.{constant}"
    for entry, schedule in getattr(settings, "CELERY_BEAT_SCHEDULE", {}).items():
        declared.setdefault(schedule["task"], f"CELERY_BEAT_SCHEDULE[{entry!r}]")
    return declared


@register()
def check_task_names(app_configs=None, **kwargs) -> list[Error]:
    from portal.celery import app

    return [
        Error(
            f"{where} names the task {name!r}, which no Celery task is registered as.",
            hint="Register the task under this name (its @shared_task(name=...)) or fix it.",
            id="portal.E001",
        )
        for name, where in sorted(declared_task_names().items())
        if name not in app.tasks
    ]
