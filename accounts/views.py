from allauth.account import views as allauth_views
from django.conf import settings as conf
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import services
from accounts.forms import AccountSettingsForm
from accounts.mfa import mfa_required_response


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
