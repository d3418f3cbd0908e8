"""Read-only admin views of the analytics state (derived rows: never edited by hand)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sasms.analytics.models import RefreshState


@admin.register(RefreshState)
class RefreshStateAdmin(admin.ModelAdmin[RefreshState]):
    list_display = ("last_run_at", "last_full_at", "tickets_updated_at", "last_clock_entry_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
