from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts.mfa import sign_in_is_recent
        from accounts.signals import end_sessions_at_deactivation

        pre_save.connect(
            end_sessions_at_deactivation,
            sender=self.get_model("User"),
            dispatch_uid="accounts.end_sessions_at_deactivation",
        )
        user_logged_in.connect(sign_in_is_recent, dispatch_uid="accounts.mfa.sign_in_is_recent")
        from allauth.socialaccount.signals import social_account_added

        social_account_added.connect(
            _identity_provider_connected, dispatch_uid="accounts.identity_provider_connected"
        )


def _identity_provider_connected(sender, request, sociallogin, **kwargs) -> None:
    # A person linked the identity provider to their signed-in account (the "verify" link,
    # after reauthentication): its national number claim verifies that account.
    from allauth.socialaccount.adapter import get_adapter

    from accounts import identity_provider

    if identity_provider.is_identity_provider_login(sociallogin):
        get_adapter(request).connected(request, sociallogin)
