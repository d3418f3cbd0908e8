"""Read-only admin views: writes go through the services (and their audit trail), never the admin."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sasms.assets.models import Component, ImportJob, Server, ServerModel, Site, Vendor


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Vendor)
class VendorAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "website"]
    search_fields = ["name", "code"]


@admin.register(ServerModel)
class ServerModelAdmin(ReadOnlyAdmin):
    list_display = ["name", "vendor", "generation", "form_factor", "eol_date", "eosl_date"]
    list_filter = ["vendor", "form_factor"]
    list_select_related = ["vendor"]


@admin.register(Site)
class SiteAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "organisation", "city", "time_zone"]
    list_select_related = ["organisation"]
    search_fields = ["name", "city"]


@admin.register(Server)
class ServerAdmin(ReadOnlyAdmin):
    list_display = ["serial", "hostname", "vendor", "model", "organisation", "status", "warranty_end"]
    list_filter = ["status", "vendor"]
    list_select_related = ["vendor", "model", "organisation"]
    search_fields = ["serial", "hostname", "asset_tag"]
    raw_id_fields = ["model", "organisation", "site"]


@admin.register(Component)
class ComponentAdmin(ReadOnlyAdmin):
    list_display = ["server", "kind", "slot", "part_number", "serial", "installed_at", "removed_at"]
    list_filter = ["kind"]
    list_select_related = ["server"]
    search_fields = ["serial", "part_number", "server__serial"]
    raw_id_fields = ["server"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "kind", "status", "total_rows", "error_rows", "created_by", "created_at"]
    list_filter = ["status", "kind"]
