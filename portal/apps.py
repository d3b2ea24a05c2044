from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.apps import apps

        from portal import checks  # noqa: F401  (registers the task-name check)
        from portal.celery import app

        # Every app's tasks module, imported once here: services enqueue by name and
        # never import a tasks module, so nothing else would register the tasks in a web
        # process (the outbox runs them in-process on the embedded default).
        app.loader.autodiscover_tasks([config.name for config in apps.get_app_configs()])
