from allauth.account import views as allauth_views
from django.conf import settings as conf
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import AccountSettingsForm, IdentityCheckForm
from accounts.mfa import mfa_required_response
from accounts.models import NationalNumberSource
from enterprises.permissions import require_contact_centre
from portal.refusals import Refusal, show_refusal


@login_required
def settings_view(request):
    form = AccountSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_update(actor=request.user, user=request.user, data=form.cleaned_data)
        messages.success(request, _("Your details were saved."))
        response = redirect("accounts:settings")
        translation.activate(request.user.language)
        response.set_cookie(
            conf.LANGUAGE_COOKIE_NAME,
            request.user.language,
            secure=conf.LANGUAGE_COOKIE_SECURE,
            samesite=conf.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
    return render(request, "accounts/settings.html", {"form": form, "help_slug": None})


class LoginView(allauth_views.LoginView):
    """allauth's login, answering 429 (not 200) once failed attempts hit the rate limit.

    The admin login goes through this view too (secure_admin_login redirects here).
    """

    def form_invalid(self, form):
        response = super().form_invalid(form)
        errors = form.errors.as_data().get(NON_FIELD_ERRORS, [])
        if any(error.code == "too_many_login_attempts" for error in errors):
            response.status_code = 429
        return response


@login_required
def mfa_required_view(request):
    return mfa_required_response(request, status=200)


@login_required
@require_http_methods(["GET", "POST"])
def identity_check(request):
    """The contact centre verifies a national number from an identity document it checked."""
    require_contact_centre(request.user)
    form = IdentityCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        declared = form.person.national_number
        try:
            person = services.national_number_verify(
                actor=request.user,
                user=form.person,
                national_number=data["national_number"],
                source=NationalNumberSource.CONTACT_CENTRE,
                document_kind=data["document_kind"],
                reason=data["reason"],
            )
        except Refusal as exc:
            show_refusal(request, exc, form=form, field="national_number")
        else:
            messages.success(
                request,
                _("The national number of %(person)s is verified; they are told by e-mail.")
                % {"person": person},
            )
            if declared and declared != person.national_number:
                messages.warning(
                    request,
                    _("It differs from the number the person had typed, which it replaces."),
                )
            return redirect("identity_check")
    return render(request, "accounts/identity_check.html", {"form": form, "help_slug": "lr-who-is"})
