"""Read-only admin views of intake rows, for support; every change goes through the pages and services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sasms.intake.models import (
    Alert,
    AlertSource,
    BmcEndpoint,
    BmcFault,
    Mailbox,
    ProcessedMessage,
    TriageItem,
)


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Mailbox)
class MailboxAdmin(ReadOnly):
    list_display = ["name", "address", "host", "folder", "is_active", "last_success_at"]
    exclude = ["password_encrypted"]


@admin.register(AlertSource)
class AlertSourceAdmin(ReadOnly):
    list_display = ["name", "kind", "token_prefix", "is_active", "last_received_at"]
    exclude = ["token_digest"]


@admin.register(BmcEndpoint)
class BmcEndpointAdmin(ReadOnly):
    list_display = ["address", "server", "last_status", "last_polled_at", "is_active"]
    exclude = ["password_encrypted", "push_token_digest"]


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = [
        "name",
        "status",
        "severity",
        "incident_key",
        "ticket",
        "last_received_at",
        "receive_count",
    ]
    list_filter = ["status", "severity"]


@admin.register(BmcFault)
class BmcFaultAdmin(ReadOnly):
    list_display = ["component_name", "kind", "severity", "status", "ticket", "first_seen_at"]


@admin.register(ProcessedMessage)
class ProcessedMessageAdmin(ReadOnly):
    list_display = ["subject", "sender", "outcome", "ticket", "processed_at"]
    list_filter = ["outcome"]


@admin.register(TriageItem)
class TriageItemAdmin(ReadOnly):
    list_display = ["summary", "channel", "reason", "status", "created_at"]
    list_filter = ["status", "channel", "reason"]
