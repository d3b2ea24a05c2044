"""The portal's named pages that content (the wizard) may link to.

Editors choose from this list; they never type an internal URL, so a link cannot point
anywhere the portal does not have. Each entry: key -> (URL name, label).
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

PORTAL_ACTIONS: dict[str, tuple[str, object]] = {
    "home": ("home", _("Portal home")),
    "login": ("account_login", _("Sign in")),
    "enterprise_search": ("enterprises:search", _("BCE Public Search")),
    "enterprise_register": ("enterprises:register", _("Register an enterprise")),
    "my_enterprises": ("enterprises:mine", _("My enterprises: designations and qualities")),
    "role_management": ("roles:manage_home", _("Manage users' role attributions")),
    "mandates": ("mandates:home", _("Mandates between enterprises")),
    "provider_clients": ("roles:clients_home", _("A provider's clients: giving staff access")),
    "profile": ("roles:profile", _("My eGov profile")),
    "profile_email": ("roles:profile_email", _("Change the e-mail linked to my roles")),
}


def action_choices() -> list[tuple[str, object]]:
    return [(key, label) for key, (_name, label) in PORTAL_ACTIONS.items()]


def action_url(key: str) -> str | None:
    entry = PORTAL_ACTIONS.get(key)
    if entry is None:
        return None
    try:
        return reverse(entry[0])
    except NoReverseMatch:
        return None
