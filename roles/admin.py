from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from portal.admin import ReadOnlyAdmin
from roles.models import (
    AccessLink,
    AccessRequest,
    Application,
    ApplicationGroup,
    Invitation,
    InvitationBatch,
    Role,
    RoleAttribution,
)


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    fields = ("code", "name", "is_available")


@admin.register(Application)
class ApplicationAdmin(TranslationAdmin):
    list_display = ("name", "code", "quality", "is_available")
    list_filter = ("quality", "is_available")
    search_fields = ("name", "code")
    inlines = [RoleInline]


@admin.register(ApplicationGroup)
class ApplicationGroupAdmin(TranslationAdmin):
    list_display = ("name", "code", "quarterly", "is_available", "position")
    list_filter = ("quarterly", "is_available")
    search_fields = ("name", "code")
    filter_horizontal = ("applications", "mandatary_qualities")


@admin.register(Role)
class RoleAdmin(TranslationAdmin):
    list_display = ("name", "code", "application", "is_available")
    list_filter = ("application__quality", "application", "is_available")
    search_fields = ("name", "code")
    list_select_related = ("application",)


# State changes go through the services (audited); the admin only reads these.
@admin.register(RoleAttribution)
class RoleAttributionAdmin(ReadOnlyAdmin):
    list_display = ("last_name", "first_name", "role", "enterprise", "status", "valid_until")
    list_filter = ("status", "source")
    search_fields = ("last_name", "first_name", "email", "national_number", "enterprise__name")
    list_select_related = ("role__application", "enterprise")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "enterprise", "status", "sent_at", "attempts")
    list_filter = ("status",)
    search_fields = ("email", "last_name")
    exclude = ("token_hash",)


@admin.register(InvitationBatch)
class InvitationBatchAdmin(ReadOnlyAdmin):
    list_display = ("filename", "created_by", "status", "total_rows", "error_rows", "created_at")
    exclude = ("rows",)


@admin.register(AccessLink)
class AccessLinkAdmin(ReadOnlyAdmin):
    list_display = ("label", "enterprise_quality", "status", "uses", "max_uses", "expires_at")
    exclude = ("slug",)


@admin.register(AccessRequest)
class AccessRequestAdmin(ReadOnlyAdmin):
    list_display = ("person", "link", "status", "decided_at")
