from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "national_number", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name", "national_number"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
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
    # The number and its verification change only through the services (sign-in with the
    # identity provider, the contact centre's check), which audit them.
    readonly_fields = [
        "national_number",
        "national_number_verified",
        "national_number_source",
        "national_number_verified_at",
        "national_number_verified_by",
    ]
    list_filter = [*BaseUserAdmin.list_filter, "language", "national_number_verified"]
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
