"""A person's account in the admin, and what allauth's own admins may still show.

Staff do not act for a person: they neither choose someone's password nor their e-mail
address, nor see or change their second factor. Each of those is a way into another person's
account, and through it into the enterprises where that person holds a designation or a role
— which nobody, staff and superusers included, reaches without a designation there.
"""

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import User
from portal.admin import ReadOnlyAdmin

# allauth registers these admins itself; each would change a person's account behind the
# services and the audit trail:
# - Authenticator: its `data` is the TOTP secret and the recovery codes' seed. Shown, anyone
#   with the admin computes the person's codes; edited, anyone sets them. Not registered at
#   all: a person enrols and removes their own factors (allauth's pages, after
#   reauthentication).
# - SocialApp: the identity provider is configured by the settings only
#   (SOCIALACCOUNT_PROVIDERS, from the environment); a client added here would be a second
#   provider whose claims verify national numbers.
# - SocialToken: the provider's access and refresh tokens for a person (allauth stores none
#   here, SOCIALACCOUNT_STORE_TOKENS being off; nor would the admin show them).
# - EmailConfirmation (registered only without HMAC confirmations): its keys verify addresses.
# EmailAddress and SocialAccount are registered again below, read-only.
for model in (
    EmailAddress,
    EmailConfirmation,
    Authenticator,
    SocialAccount,
    SocialApp,
    SocialToken,
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(EmailAddress)
class EmailAddressAdmin(ReadOnlyAdmin):
    """A person's addresses, read-only: which one is verified and primary helps the contact
    centre understand why an invitation bound to an address does not open. A verified
    address is proof that its holder read the mail sent there (allauth's confirmation flow):
    an address added or marked verified by staff would hand that holder's invitations to
    whoever owns the account. No actions either (allauth's "mark as verified" is one)."""

    list_display = ["email", "user", "verified", "primary"]
    list_filter = ["verified", "primary"]
    list_select_related = ["user"]
    fields = ["email", "user", "verified", "primary"]
    actions = None
    show_full_result_count = False

    def get_search_fields(self, request):
        return [
            "email",
            *(f"user__{name}" for name in get_account_adapter().get_user_search_fields()),
        ]


@admin.register(SocialAccount)
class SocialAccountAdmin(ReadOnlyAdmin):
    """Which accounts are linked to the identity provider, and since when. Not the provider's
    subject identifier nor its claims (`extra_data` holds the national number and the ID
    token's contents), and never a change: linking is the person's own sign-in."""

    list_display = ["user", "provider", "date_joined", "last_login"]
    list_filter = ["provider"]
    list_select_related = ["user"]
    fields = ["user", "provider", "date_joined", "last_login"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    actions = None
    show_full_result_count = False


# The staff groups and what each may do are defined by the migrations of the apps owning
# them (portal/groups.py): changed in the admin, a group's permissions would give its
# members powers nobody reviewed, with no audit event. Who belongs to a group is changed on
# the person's account (audited, superusers only).
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin):
    list_display = ["name"]
    fields = ["name", "permissions"]
    search_fields = ["name"]
    actions = None


class UserChangeForm(forms.ModelForm):
    """The fields of `UserAdmin.fieldsets` that are not read-only: no password field (Django's
    form shows the hash and links to the page that sets a new one)."""

    class Meta:
        model = User
        fields = services.STAFF_FIELDS + services.STAFF_RELATIONS


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """People's accounts: staff change whether an account may sign in and whether, with which
    groups, it may use the admin (audited by `account_staff_update`), and read the rest.

    - No adding: an account begins with its person, signing up (and verifying the address) or
      signing in with the identity provider; staff then give it its groups. The first
      superuser comes from `manage.py createsuperuser`, on the servers.
    - No password: staff neither set nor see one. A person who forgot theirs resets it by
      e-mail; a staff-set password would be known to someone other than its holder.
    - The e-mail address is read-only: allauth's flow owns it (a person adds and verifies an
      address, then makes it primary), and invitations bound to an address trust it.
    - The national number and its verification change only through the services (sign-in with
      the identity provider, the contact centre's check), which audit them.
    """

    form = UserChangeForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "national_number", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name", "national_number"]
    fieldsets = (
        (None, {"fields": ("email",)}),
        (
            _("Person"),
            {
                "fields": (
                    "first_name",
                    "last_name",
                    "language",
                    "national_number",
                    "national_number_verified",
                    "national_number_source",
                    "national_number_verified_at",
                    "national_number_verified_by",
                )
            },
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = [
        "email",
        "national_number",
        "national_number_verified",
        "national_number_source",
        "national_number_verified_at",
        "national_number_verified_by",
        "last_login",
        "date_joined",
    ]
    list_filter = [*BaseUserAdmin.list_filter, "language", "national_number_verified"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Staff allowed to change accounts (a group given "change user") must not make
            # anyone, themselves included, a superuser or give permissions they lack.
            fields += ["is_superuser", "user_permissions", "groups", "is_staff"]
        return fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # An account is deactivated (`is_active`, audited), never deleted: the trail, the
        # designations and the attributions name it, and a deletion would write no event.
        return False

    def user_change_password(self, request, id, form_url=""):
        # Django's `<id>/password/` page: the URL stays (so that nothing reversing its name
        # breaks) and refuses, whatever the staff member's permissions.
        raise PermissionDenied

    def save_model(self, request, obj, form, change):
        services.account_staff_update(
            actor=request.user,
            user=obj,
            data={name: form.cleaned_data[name] for name in form.changed_data},
        )

    def save_related(self, request, form, formsets, change):
        # The groups and permissions were set by `account_staff_update` with the rest, in the
        # same audit event; Django's `form.save_m2m()` would set them again, unaudited.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
