from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = _("Role attributions")

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_save

        from roles import signals

        post_save.connect(
            signals.attach_on_save,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="roles.attach_on_save",
        )
