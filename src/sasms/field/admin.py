from django.contrib import admin

from sasms.field.models import SyncedAction, Visit


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: visits change through their steps, so the timeline and the audit trail stay right."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["id", "ticket", "engineer", "status", "window_start", "checked_in_at", "signed_at"]
    list_filter = ["status"]
    search_fields = ["ticket__number", "engineer__full_name"]


@admin.register(SyncedAction)
class SyncedActionAdmin(ReadOnlyAdmin):
    list_display = ["key", "visit", "action", "occurred_at", "received_at"]
