"""Separate input and output shapes of the tickets API."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from sasms.core.api.serializers import StrictInputSerializer
from sasms.tickets.choices import (
    Category,
    Channel,
    ComponentArea,
    Level,
    ResolutionCode,
    ServiceKind,
    TicketType,
    Tier,
)
from sasms.tickets.models import Attachment, Ticket, TicketEvent
from sasms.tickets.transitions import TRANSITIONS


class TicketOutput(serializers.ModelSerializer[Ticket]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    server_serial = serializers.CharField(source="server.serial", read_only=True, default="")
    server_hostname = serializers.CharField(source="server.hostname", read_only=True, default="")
    assignee_name = serializers.CharField(source="assignee.full_name", read_only=True, default="")

    class Meta:
        model = Ticket
        fields = [
            "id",
            "number",
            "organisation",
            "organisation_name",
            "requester",
            "server",
            "server_serial",
            "server_hostname",
            "entitlement",
            "entitled",
            "time_and_materials",
            "channel",
            "type",
            "category",
            "component",
            "service_kind",
            "impact",
            "urgency",
            "priority",
            "title",
            "description",
            "status",
            "tier",
            "team",
            "assignee",
            "assignee_name",
            "created_at",
            "updated_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "merged_into",
            "reopen_count",
            "resolution_code",
            "resolution_summary",
            "root_cause",
            "five_whys",
            "work_minutes",
            "first_time_fix",
            "customer_confirmed_at",
        ]
        read_only_fields = fields


class TicketCreateInput(StrictInputSerializer):
    organisation = serializers.IntegerField()
    requester = serializers.IntegerField(required=False, allow_null=True)
    server = serializers.IntegerField(required=False, allow_null=True, help_text="Server id.")
    server_identifier = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Serial number, hostname or asset tag within the organisation.",
    )
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    type = serializers.ChoiceField(choices=TicketType.choices, default=TicketType.INCIDENT)
    category = serializers.ChoiceField(choices=Category.choices, default=Category.HARDWARE)
    component = serializers.ChoiceField(
        choices=ComponentArea.choices, required=False, allow_blank=True, default=""
    )
    impact = serializers.ChoiceField(choices=Level.choices, default=Level.MEDIUM)
    urgency = serializers.ChoiceField(choices=Level.choices, default=Level.MEDIUM)
    service_kind = serializers.ChoiceField(
        choices=ServiceKind.choices, required=False, allow_blank=True, default=""
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class TicketUpdateInput(StrictInputSerializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    type = serializers.ChoiceField(choices=TicketType.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    component = serializers.ChoiceField(choices=ComponentArea.choices, required=False, allow_blank=True)
    impact = serializers.ChoiceField(choices=Level.choices, required=False)
    urgency = serializers.ChoiceField(choices=Level.choices, required=False)
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)
    server = serializers.IntegerField(
        required=False, allow_null=True, help_text="Server id of the request's organisation; null clears it."
    )
    server_identifier = serializers.CharField(
        required=False,
        max_length=253,
        help_text="Serial number, hostname or asset tag of a server of the request's organisation.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "server" in attrs and "server_identifier" in attrs:
            message = _("Give either server or server_identifier, not both.")
            raise serializers.ValidationError({"server_identifier": [message]})
        return attrs


class TicketTransitionInput(StrictInputSerializer):
    action = serializers.ChoiceField(choices=[(name, str(t.label)) for name, t in TRANSITIONS.items()])
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    confirmed = serializers.BooleanField(required=False, default=False)
    resolution_code = serializers.ChoiceField(
        choices=ResolutionCode.choices, required=False, allow_blank=True, default=""
    )
    resolution_summary = serializers.CharField(required=False, allow_blank=True, default="")
    root_cause = serializers.CharField(required=False, allow_blank=True, default="")
    five_whys = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, max_length=5, default=list
    )
    work_minutes = serializers.IntegerField(required=False, allow_null=True, min_value=0, default=None)


class TicketAssignInput(StrictInputSerializer):
    assignee = serializers.IntegerField(allow_null=True)
    team = serializers.IntegerField(required=False, allow_null=True)


class TicketCommentInput(StrictInputSerializer):
    body = serializers.CharField(max_length=20_000)
    internal = serializers.BooleanField(required=False, default=False)


class TicketEventOutput(serializers.ModelSerializer[TicketEvent]):
    class Meta:
        model = TicketEvent
        fields = ["id", "created_at", "actor", "actor_label", "kind", "public", "body", "data"]
        read_only_fields = fields


class TicketAttachmentOutput(serializers.ModelSerializer[Attachment]):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "internal",
            "uploaded_by",
            "created_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj: Attachment) -> str:
        from django.urls import reverse

        return reverse("tickets:attachment", args=[obj.ticket.number, obj.pk])


class TicketAttachmentInput(serializers.Serializer[Any]):
    file = serializers.FileField()
    internal = serializers.BooleanField(required=False, default=False)
