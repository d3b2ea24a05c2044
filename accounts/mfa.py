"""Two-factor authentication as a precondition.

Staff (admin, contact centre) and anyone designating a person (legal representatives, RAEs,
co-RAEs, local managers) must have a second factor enrolled: those accounts can hand out
access to an enterprise's social-security data. Controlled by the MFA_REQUIRED setting
(on by default in production).
"""

from functools import wraps
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
STAFF_PATHS = ("/admin/", "/contact-centre/")
STAFF_EXEMPT = ("/admin/login/", "/admin/logout/", "/admin/jsi18n/")


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def mfa_missing(user) -> bool:
    return bool(settings.MFA_REQUIRED and user.is_authenticated and not has_second_factor(user))


def mfa_required_response(request, *, status: int = 403):
    """The page that explains why and sends the person to enrol a second factor."""
    return render(
        request,
        "accounts/mfa_required.html",
        {"next": request.get_full_path(), "mfa_url": reverse("mfa_index")},
        status=status,
    )


def mfa_required(view):
    """For views that designate someone: refuse until a second factor is enrolled."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if mfa_missing(request.user):
            return mfa_required_response(request)
        return view(request, *args, **kwargs)

    return wrapper


class StaffMFAMiddleware:
    """Staff pages (admin, contact centre) require a second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if (
            path.startswith(STAFF_PATHS)
            and not path.startswith(STAFF_EXEMPT)
            and request.user.is_authenticated
            and request.user.is_staff
            and mfa_missing(request.user)
        ):
            target = reverse("accounts:mfa_required") + "?" + urlencode({"next": path})
            return HttpResponseRedirect(target)
        return self.get_response(request)
