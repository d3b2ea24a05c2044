from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelyingConfig(AppConfig):
    """The applications of the catalogue as OpenID Connect clients of the portal."""

    name = "relying"
    verbose_name = _("Relying applications")

    def ready(self) -> None:
        from relying.client_ids import guard_allauth_lookups

        # Before any request: a client id that cannot be one must never reach a query.
        guard_allauth_lookups()
