"""Addresses outside the portal that exist once per language."""

from django.conf import settings

from portal.languages import default_language


def contact_centre_url(language: str | None = None) -> str | None:
    """The contact centre's page in `language` (default: the one being read).

    CONTACT_CENTRE_URL may hold `{language}` (the social-security site has one page per
    language: site_fr, site_nl, site_de, site_en); an address without it serves every
    language.
    """
    url = settings.CONTACT_CENTRE_URL
    if not url:
        return url
    return url.replace("{language}", language or default_language())
