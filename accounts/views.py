from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import services
from accounts.forms import AccountSettingsForm


@login_required
def settings_view(request):
    form = AccountSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_update(actor=request.user, user=request.user, data=form.cleaned_data)
        messages.success(request, _("Your details were saved."))
        response = redirect("accounts:settings")
        translation.activate(request.user.language)
        from django.conf import settings as conf

        response.set_cookie(
            conf.LANGUAGE_COOKIE_NAME,
            request.user.language,
            secure=conf.LANGUAGE_COOKIE_SECURE,
            samesite=conf.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
    return render(request, "accounts/settings.html", {"form": form, "help_slug": None})
