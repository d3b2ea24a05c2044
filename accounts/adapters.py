from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_national_number
from portal.text import max_length, text_error


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        # Every allauth form that takes an address (sign-up, adding one, password reset)
        # asks this. Its field allows 320 characters; the columns it goes into, fewer.
        from allauth.account.models import EmailAddress

        limit = min(max_length(get_user_model(), "email"), max_length(EmailAddress, "email"))
        error = text_error(email, label=_("E-mail address"), max_chars=limit)
        if error is not None:
            raise error
        return super().clean_email(email)

    def send_mail(self, template_prefix, email, context):
        # allauth's e-mails go out in the recipient's language when we know it.
        user = context.get("user")
        language = getattr(user, "language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Takes the national number from the identity provider's claims, as verified."""

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        claims = sociallogin.account.extra_data or {}
        userinfo = claims.get("userinfo", claims)
        raw = userinfo.get(settings.OIDC_NATIONAL_NUMBER_CLAIM)
        if raw:
            try:
                user.national_number = normalize_national_number(str(raw))
                user.national_number_verified = True
            except ValidationError:
                pass
        return user
