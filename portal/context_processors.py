from django.conf import settings

from portal.groups import CONTACT_CENTRE, in_group


def portal(request) -> dict:
    """What every page's layout needs: the person's enterprises and the help entry.

    The enterprises the signed-in person acts for are computed lazily (only when the header
    renders them) by the enterprises selectors, in a constant number of queries.
    """
    from enterprises.selectors import header_enterprises

    user = getattr(request, "user", None)
    return {
        "portal_name": settings.PORTAL_NAME,
        "contact_centre_url": settings.CONTACT_CENTRE_URL,
        "header_enterprises": (lambda: header_enterprises(user)) if user is not None else list,
        "debug_mailbox": settings.DEBUG,
        "is_contact_centre": lambda: in_group(user, CONTACT_CENTRE) and user.is_staff,
    }
