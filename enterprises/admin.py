"""The registry mirror and the chain in the admin: read-mostly.

The chain changes only through the services (audit + guardian grants in one transaction),
so designations and registrations are read-only here.
"""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from enterprises.models import (
    Designation,
    Enterprise,
    EnterpriseQuality,
    JuridicalForm,
    Mandate,
    Quality,
    Registration,
)
from portal.admin import ReadOnlyAdmin


class MandateInline(admin.TabularInline):
    model = Mandate
    extra = 0
    fields = ["first_name", "last_name", "function", "signing_authority", "start_date", "end_date"]
    readonly_fields = fields
    can_delete = False


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "number_display", "status", "municipality"]
    list_filter = ["status"]
    search_fields = ["number", "name", "abbreviation", "commercial_name"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MandateInline]


@admin.register(JuridicalForm)
class JuridicalFormAdmin(ReadOnlyAdmin):
    """The names come from the registry's code.csv (import_cbe): an edit would be overwritten
    by the next import, so they are shown, not edited."""

    list_display = ["code", "label_fr", "label_nl", "label_de", "label_en"]
    search_fields = ["code", "label_fr", "label_nl", "label_de", "label_en"]


@admin.register(Quality)
class QualityAdmin(TranslationAdmin):
    list_display = ["code", "name", "position", "is_available"]
    list_editable = ["position", "is_available"]
    search_fields = ["code", "name"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "registered_by", "created_at"]
    list_select_related = ["enterprise", "registered_by"]
    search_fields = ["enterprise__number", "enterprise__name"]


@admin.register(EnterpriseQuality)
class EnterpriseQualityAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "quality", "status", "created_at"]
    list_filter = ["status", "quality"]
    list_select_related = ["enterprise", "quality"]
    search_fields = ["enterprise__number", "enterprise__name"]


@admin.register(Designation)
class DesignationAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "kind", "enterprise", "status", "created_at", "accepted_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["enterprise"]
    search_fields = ["enterprise__number", "enterprise__name", "last_name", "email"]
    exclude = ["token_hash", "national_number"]
