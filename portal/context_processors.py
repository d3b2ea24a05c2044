from django.conf import settings
from django.contrib import admin
from django.utils.functional import SimpleLazyObject

from enterprises.chain import LOCAL_MANAGER_KINDS
from portal.groups import CONTACT_CENTRE, in_group
from portal.links import contact_centre_url


def portal(request) -> dict:
    """What every page's layout needs: the person's enterprises and the help entry.

    The enterprises the signed-in person acts for are computed lazily (only when the header
    renders them) by the enterprises selectors, in a constant number of queries.
    """
    from enterprises.selectors import HEADER_ENTERPRISES, header_enterprises

    user = getattr(request, "user", None)
    # Computed once per page however often the layout reads it (menu and "You act for").
    acting = SimpleLazyObject(lambda: header_enterprises(user) if user is not None else [])

    def manages_roles() -> bool:
        # Only local managers have role management to do; the header lists a bounded number
        # of enterprises, so a full header keeps the entry (the page itself lists them all).
        return len(acting) >= HEADER_ENTERPRISES or any(
            designation.kind in LOCAL_MANAGER_KINDS
            for entry in acting
            for designation in entry["designations"]
        )

    def may_administer() -> bool:
        # Staff reach their tools from the header: the admin index when it lists something
        # they may view or edit (editors: the wizard; superusers: everything). A contact-centre
        # agent whose group holds no admin permission works at the contact centre's pages
        # instead (their own entry): a link to an empty admin index would be a dead end.
        if user is None or not user.is_active or not user.is_staff:
            return False
        return bool(admin.site.get_app_list(request))

    return {
        "portal_name": settings.PORTAL_NAME,
        "contact_centre_url": contact_centre_url,  # called by the template: its language
        # Where a person verifies their national number (accounts/_verify_identity.html).
        "identity_provider": (
            {"id": settings.OIDC_PROVIDER_ID, "name": settings.OIDC_PROVIDER_NAME}
            if settings.OIDC_SERVER_URL
            else None
        ),
        "header_enterprises": acting,
        "manages_roles": manages_roles,
        "debug_mailbox": settings.DEBUG,
        # Staff first: the group look-up is a query, which the many who are not staff skip.
        "is_contact_centre": lambda: (
            bool(user and user.is_staff) and in_group(user, CONTACT_CENTRE)
        ),
        "may_administer": may_administer,
    }
