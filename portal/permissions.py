"""What a refused action tells the person.

The rules: a denied action answers 403 with a page that says who can do it and links to
the wizard answer that explains it, never a silent redirect. Loaders raise `Refused`; the
middleware renders it. An object the person has nothing to do with answers 404 instead
(Http404), so its existence does not leak.
"""

from django.core.exceptions import PermissionDenied


class Refused(PermissionDenied):
    def __init__(self, *, reason: str, who_can: str, help_slug: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.who_can = who_can
        self.help_slug = help_slug
