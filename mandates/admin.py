from django.contrib import admin

from mandates.models import ClientMandate
from portal.admin import ReadOnlyAdmin


# State changes go through the services (audited, both sides told); the admin only reads.
@admin.register(ClientMandate)
class ClientMandateAdmin(ReadOnlyAdmin):
    list_display = ("mandator", "mandatary", "group", "state", "start_date", "end_date")
    list_filter = ("state", "group")
    search_fields = ("mandator__name", "mandator__number", "mandatary__name", "mandatary__number")
    list_select_related = ("mandator", "mandatary", "group")
    raw_id_fields = ("mandator", "mandatary", "transfer_of")
