"""The CSP's `form-action` during a sign-in to an application.

Browsers apply `form-action` to the whole redirect chain of a form's submission: the
capacity screen's form, or the sign-in form in front of it, posts to the portal, which
answers with a redirect to the application's `redirect_uri`. With `form-action 'self'`
Chromium blocks that last step and the person never gets back to the application.

So when an authorization request of a registered client reaches the portal (valid
`client_id` and a `redirect_uri` registered for it, character for character, as the
authorization endpoint requires), the session remembers that URI's
origin, and the pages of this session allow forms to end there too, until the portal
redirects to it. Only a registered client's origin is ever added, never one a request
names on its own.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from relying import selectors

SESSION_KEY = "relying_form_action_origin"
FORM_ACTION = "form-action"


def origin(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"


def remember_client_origin(request) -> None:
    """Called by the authorization endpoint before anything else (the sign-in included)."""
    client_id = request.GET.get("client_id")
    redirect_uri = request.GET.get("redirect_uri", "")
    if not client_id or not redirect_uri or len(redirect_uri) > 2000:
        return
    registration = selectors.registration_for_client(client_id)
    if registration is not None and redirect_uri in registration.client.get_redirect_uris():
        request.session[SESSION_KEY] = origin(redirect_uri)


class ClientFormActionMiddleware:
    """Adds the remembered application's origin to `form-action` (inside Django's CSP
    middleware, after the session's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Only sessions in use: reading an unused one would add "Vary: Cookie" to every page.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES and not request.session.modified:
            return response
        pending = request.session.get(SESSION_KEY)
        if not pending:
            return response
        location = response.get("Location", "")
        if location and origin(location) == pending:
            # Back to the application: the sign-in is over.
            del request.session[SESSION_KEY]
            return response
        config = getattr(response, "_csp_config", settings.SECURE_CSP)
        if config and FORM_ACTION in config and pending not in config[FORM_ACTION]:
            response._csp_config = {**config, FORM_ACTION: [*config[FORM_ACTION], pending]}
        return response
