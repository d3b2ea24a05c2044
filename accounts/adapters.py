from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthError, AuthProcess
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from requests import RequestException

from accounts import identity_provider as idp
from accounts.models import NationalNumberSource
from accounts.selectors import account_with_verified_email, account_with_verified_number
from accounts.services import NumberTaken, national_number_verify
from portal.languages import default_language
from portal.text import forbidden_character, max_length, text_error


@dataclass(frozen=True)
class PortalSite:
    """What allauth's templates read as `current_site`: the portal's name and address."""

    name: str
    domain: str


def recipient_language(email: str, user=None) -> str:
    """The language of an e-mail to `email`: the account's preference, else the page's."""
    if user is None or not getattr(user, "language", None):
        user = get_user_model().objects.filter(email__iexact=email).only("language").first()
    return getattr(user, "language", None) or default_language()


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
        """allauth's e-mails, written as the portal's: its name, its layout, the person's
        language.

        The language is the recipient's preference when an account has this address (a
        password reset asked from a German page still reaches a Dutch-speaking person in
        Dutch), else the page's. `current_site` is the portal, not the request's host: the
        templates (templates/account/email/) greet with the portal's name and sign with its
        address.
        """
        language = recipient_language(email, context.get("user"))
        with translation.override(language):
            portal = PortalSite(name=str(settings.PORTAL_NAME), domain=settings.SITE_URL)
            super().send_mail(
                template_prefix,
                email,
                {"current_site": portal, "portal_name": portal.name, "site_url": portal.domain,
                 "language": language, **context},
            )  # fmt: skip

    def format_email_subject(self, subject: str) -> str:
        return _("%(subject)s – %(portal)s") % {
            "subject": force_str(subject),
            "portal": settings.PORTAL_NAME,
        }

    def render_mail(self, template_prefix, email, context, headers=None):
        # allauth writes text only: the portal's HTML layout carries that text, so these
        # e-mails look like every other portal e-mail.
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if isinstance(message, EmailMultiAlternatives) and not message.alternatives:
            html = render_to_string(
                "emails/allauth_message.html", {**context, "text": message.body}
            )
            message.attach_alternative(html, "text/html")
        return message


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """A sign-in through the identity provider verifies the person's national number.

    The number comes from the provider's claim (`OIDC_NATIONAL_NUMBER_CLAIM`) and is
    verified through `national_number_verify` (source: identity provider), never by setting
    fields. Which account the sign-in reaches:

    1. the account already linked to this provider identity (a later sign-in);
    2. with `process=connect` (the "verify" link of a signed-in person): that account,
       after allauth's reauthentication, unless the number is verified on another account;
    3. else the account holding this number **verified**, or the account that **verified**
       the e-mail address the provider vouches for (refused if that account is verified with
       another number): it is linked, and the person is told by e-mail (allauth's notice);
    4. else a new account. An account that only *declared* this number is never linked:
       anyone can type a number, so linking it would hand that account to the typist's
       target — or, the other way round, let a typist lock the real person out. The real
       person gets their own account, verified; the declaration elsewhere keeps unlocking
       nothing.

    A missing or malformed number, or a failed nonce or issuer check, refuses the sign-in
    with a page that says why; nothing is created or changed.
    """

    def pre_social_login(self, request, sociallogin):
        if not idp.is_identity_provider_login(sociallogin):
            return
        idp.check_id_token(request, sociallogin)
        number = idp.claimed_national_number(request, sociallogin)
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            self._check_connect(request, sociallogin, number)
            return  # allauth connects (after reauthentication); see `connected`
        if sociallogin.is_existing:
            self._verify(request, sociallogin.user, number)
            return
        user = account_with_verified_number(number)
        if user is None:
            emails = [address.email for address in sociallogin.email_addresses if address.verified]
            user = account_with_verified_email(emails)
            if user is not None and user.verified_national_number not in (None, number):
                raise idp.refuse(request, idp.EMAIL_OTHER_NUMBER)
        if user is None:
            return  # a new account: allauth signs it up, `save_user` verifies it
        with transaction.atomic():
            self._verify(request, user, number)
            # Linked now, so allauth logs this existing account in (and sends its
            # "third-party account connected" notice to the person).
            sociallogin.connect(request, user)

    def _check_connect(self, request, sociallogin, number: str) -> None:
        user = request.user
        if not user.is_authenticated:
            return  # allauth refuses a connect without a signed-in person
        if sociallogin.is_existing and sociallogin.user.pk != user.pk:
            raise idp.refuse(request, idp.LINKED_ELSEWHERE)
        if account_with_verified_number(number, exclude=user) is not None:
            raise idp.refuse(request, idp.NUMBER_TAKEN)

    def _verify(self, request, user, number: str) -> None:
        try:
            national_number_verify(
                actor=user,
                user=user,
                national_number=number,
                source=NationalNumberSource.IDENTITY_PROVIDER,
            )
        except NumberTaken:
            raise idp.refuse(request, idp.NUMBER_TAKEN) from None

    def connected(self, request, sociallogin) -> None:
        """`social_account_added` for `process=connect`: verify the connecting account.

        Runs after allauth saved the link, outside a transaction of ours: on refusal (another
        account got the number verified meanwhile) the link is removed again.
        """
        if sociallogin.state.get("process") != AuthProcess.CONNECT:
            return
        number = idp.claimed_national_number(request, sociallogin)
        try:
            self._verify(request, sociallogin.user, number)
        except Exception:
            sociallogin.account.delete()
            raise

    def populate_user(self, request, sociallogin, data):
        # Names come from the provider, not from a person typing: fit them to the columns
        # (a 200-character claim must not end in a database error) and drop the characters
        # no name may hold (portal/text.py), instead of refusing the person's sign-in.
        user = super().populate_user(request, sociallogin, data)
        for field in ("first_name", "last_name"):
            value = "".join(c for c in (getattr(user, field) or "") if not forbidden_character(c))
            setattr(user, field, value.strip()[: max_length(type(user), field)])
        return user

    def save_user(self, request, sociallogin, form=None):
        if not idp.is_identity_provider_login(sociallogin):
            return super().save_user(request, sociallogin, form)
        number = idp.claimed_national_number(request, sociallogin)
        # The account, its link and its verification exist together or not at all.
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form)
            self._verify(request, user, number)
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        """allauth's protocol refusals (unknown or replayed state, a code the provider
        refuses, an ID token that fails allauth's checks) get the portal's page."""
        super().on_authentication_error(
            request, provider, error=error, exception=exception, extra_context=extra_context
        )
        if error == AuthError.CANCELLED:
            return  # allauth's "sign-in cancelled" page says it well
        if isinstance(exception, RequestException):
            raise idp.refuse(request, idp.UNREACHABLE)
        raise idp.refuse(request, idp.UNCHECKED)
