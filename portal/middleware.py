import ipaddress

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.template.response import TemplateResponse
from django.urls import reverse

from portal.permissions import Refused
from portal.request_context import reset_ip, set_ip


def client_ip(request) -> str | None:
    """The client's address for the audit trail.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For,
    so with n proxies the client is the n-th entry from the right. Whatever stands left of
    it was written by the client itself and is never believed. A header too short or not an
    address means the request did not come through the proxies as configured: the address
    is then unknown (None) rather than the proxy's own, which would blame the proxy.
    """
    hops = settings.TRUSTED_PROXY_COUNT
    if not hops:
        return _valid_ip(request.META.get("REMOTE_ADDR", ""))
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < hops:
        return None
    return _valid_ip(forwarded[-hops])


def _valid_ip(value: str) -> str | None:
    # The audit column is an inet on PostgreSQL: anything else would fail the state change.
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_ip(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            reset_ip(token)


class PermissionRefusedMiddleware:
    """Turn `Refused` into the explained 403 page (who may do it, and the wizard answer)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Refused):
            return None
        response = TemplateResponse(
            request,
            "403.html",
            {"refusal": exception, "help_slug": exception.help_slug},
            status=403,
        )
        return response.render()


class MethodNotAllowedPageMiddleware:
    """Give a person who opens a form's address (a bookmark, Back, a link pasted from a
    form's action) the portal's page saying so, instead of the empty 405 of
    `require_POST`. Only for browsers (they ask for HTML): an application calling an API
    keeps the bare status and its `Allow` header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 405
            or response.content
            or "text/html" not in request.headers.get("Accept", "")
        ):
            return response
        page = TemplateResponse(request, "405.html", {}, status=405)
        page.render()
        if "Allow" in response:
            page["Allow"] = response["Allow"]
        return page


class AdminNulRefusalMiddleware:
    """A NUL byte in the admin's query string (a changelist's filter or search) is refused
    with the 400 page before the admin builds a query of it: PostgreSQL refuses NUL in text,
    which the changelist would meet only while rendering (a 500). The portal's own pages
    and APIs check their parameters themselves, each with its own answer."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = None

    def __call__(self, request):
        if self.prefix is None:
            self.prefix = reverse("admin:index")
        if request.path.startswith(self.prefix) and any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise SuspiciousOperation("NUL byte in the admin's query string")
        return self.get_response(request)
