"""Staff groups. Created (with their permissions) by the migration of the app owning them."""

CONTACT_CENTRE = "contact-centre"
WIZARD_EDITORS = "wizard-editors"


def in_group(user, name: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    # Cached on the user object for the request: the header asks on every page.
    cache = user.__dict__.setdefault("_portal_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user.__dict__["_portal_groups"] = cache
    return name in cache
