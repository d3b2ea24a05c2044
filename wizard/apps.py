from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WizardConfig(AppConfig):
    name = "wizard"
    verbose_name = _("Help wizard")

    def ready(self) -> None:
        from wizard import signals

        # The wizard is never empty on a fresh database: the seed is loaded after migrate
        # (with the real models, which the loader needs) when there is no page yet.
        post_migrate.connect(signals.load_initial_content, sender=self)
