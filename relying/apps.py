from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelyingConfig(AppConfig):
    """The applications of the catalogue as OpenID Connect clients of the portal."""

    name = "relying"
    verbose_name = _("Relying applications")
