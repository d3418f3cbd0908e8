from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets

from sasms.core.filtersets import AuditFilterSet
from sasms.core.models import AuditEntry
from sasms.core.selectors import audit_entries_visible_to


class AuditEntryOutput(serializers.ModelSerializer[AuditEntry]):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_label",
            "action",
            "object_type",
            "object_id",
            "object_label",
            "organisation",
            "changes",
            "channel",
            "ip_address",
            "request_id",
        ]
        read_only_fields = fields


class AuditEntryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[AuditEntry]
):
    """The audit trail (administrators). Append-only: there is no write endpoint."""

    serializer_class = AuditEntryOutput
    filterset_class = AuditFilterSet

    def get_queryset(self) -> QuerySet[AuditEntry]:
        return audit_entries_visible_to(actor=self.request.user)
