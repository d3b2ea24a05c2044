from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.validators import normalize_national_number


class AccountAdapter(DefaultAccountAdapter):
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
