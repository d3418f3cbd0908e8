"""Read-only admin views of the parts tables; every change goes through the services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sasms.parts.models import Depot, Movement, Part, RmaCase, StockBalance


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Part)
class PartAdmin(ReadOnlyAdmin):
    list_display = ["part_number", "description", "kind", "vendor", "unit_cost", "serialised", "is_active"]
    search_fields = ["part_number", "description"]


@admin.register(Depot)
class DepotAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "service_tier", "city", "is_active"]


@admin.register(StockBalance)
class StockBalanceAdmin(ReadOnlyAdmin):
    list_display = ["part", "depot", "condition", "on_hand", "reserved"]
    list_select_related = ["part", "depot"]


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "kind",
        "part",
        "depot",
        "condition",
        "quantity",
        "on_hand_delta",
        "reserved_delta",
    ]
    list_select_related = ["part", "depot"]


@admin.register(RmaCase)
class RmaCaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "vendor", "part", "status", "created_at"]
