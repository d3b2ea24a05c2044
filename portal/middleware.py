from django.conf import settings
from django.template.response import TemplateResponse

from portal.permissions import Refused
from portal.request_context import reset_ip, set_ip


def client_ip(request) -> str | None:
    # Behind a reverse proxy (TRUSTED_PROXY_COUNT > 0) the client is the address the last
    # trusted proxy appended; otherwise REMOTE_ADDR. Never trust the header blindly.
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None


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
