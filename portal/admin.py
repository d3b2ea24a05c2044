from django.contrib import admin

from portal.models import AuditEvent, OutboxMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    """What the services own (audited state changes, guardian grants) the admin only shows:
    no add, change or delete, whatever the staff member's model permissions say."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The trail is evidence: readable by staff with the view permission, never editable."""

    list_display = [
        "created_at",
        "actor_label",
        "action",
        "enterprise",
        "target_label",
        "ip_address",
    ]
    list_filter = ["action"]
    search_fields = [
        "actor_label",
        "action",
        "target_label",
        "enterprise__number",
        "enterprise__name",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["enterprise"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "task_name", "args", "enqueued_at", "attempts"]
    list_filter = ["task_name"]
    readonly_fields = ["task_name", "args", "created_at", "enqueued_at", "attempts", "last_error"]

    def has_add_permission(self, request):
        return False
