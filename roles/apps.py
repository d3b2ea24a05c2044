from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = _("Role attributions")

    def ready(self) -> None:
        from roles import signals  # noqa: F401  (connects the receivers)
