from django.contrib import admin
from django.http import HttpRequest

from sasms.tickets.models import Ticket


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin[Ticket]):
    """Read-mostly view for administrators; changes go through the pages and the services."""

    list_display = ("number", "organisation", "status", "priority", "assignee", "created_at")
    list_filter = ("status", "priority", "channel")
    search_fields = ("number", "title")
    raw_id_fields = ("organisation", "requester", "server", "assignee", "team", "created_by", "merged_into")
    readonly_fields = ("number", "entitlement")

    def has_delete_permission(self, request: HttpRequest, obj: Ticket | None = None) -> bool:
        # A service request is a record of what was promised and done (SLA, audit, analytics):
        # it is cancelled or closed, and a contact's personal data is erased, never the request.
        return False
