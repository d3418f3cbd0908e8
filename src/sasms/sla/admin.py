from django.contrib import admin

from sasms.sla.models import BusinessCalendar


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin[BusinessCalendar]):
    """Read-only: edits go through the pages so that versions and the audit trail stay right."""

    list_display = ["name", "code", "coverage", "time_zone", "version", "is_active"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
