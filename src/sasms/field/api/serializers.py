"""Separate input and output shapes of the visits API."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import serializers

from sasms.core.api.serializers import StrictInputSerializer
from sasms.field.choices import Action
from sasms.field.models import Visit, VisitNote, VisitPart, VisitPhoto
from sasms.field.services.sync import Step


class VisitOutput(serializers.ModelSerializer[Visit]):
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    ticket_title = serializers.CharField(source="ticket.title", read_only=True)
    organisation = serializers.IntegerField(source="ticket.organisation_id", read_only=True)
    organisation_name = serializers.CharField(source="ticket.organisation.name", read_only=True)
    engineer_name = serializers.CharField(source="engineer.full_name", read_only=True)
    signed = serializers.BooleanField(source="is_signed", read_only=True)
    report_language = serializers.CharField(
        read_only=True, help_text="Language chosen for the report: zh-hans, en, or empty for the customer's."
    )
    page_url = serializers.SerializerMethodField()
    report_url = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "ticket",
            "ticket_number",
            "ticket_title",
            "organisation",
            "organisation_name",
            "engineer",
            "engineer_name",
            "status",
            "window_start",
            "window_end",
            "contact",
            "access_notes",
            "report_language",
            "scheduled_by",
            "created_at",
            "updated_at",
            "accepted_at",
            "declined_at",
            "decline_reason",
            "travel_started_at",
            "checked_in_at",
            "latitude",
            "longitude",
            "accuracy_m",
            "distance_to_site_m",
            "check_in_reason",
            "checked_out_at",
            "work_summary",
            "signed",
            "signed_at",
            "signer_name",
            "cancelled_at",
            "cancel_reason",
            "report_generated_at",
            "report_sent_to",
            "page_url",
            "report_url",
        ]
        read_only_fields = fields

    def get_page_url(self, obj: Visit) -> str:
        return reverse("field:visit", args=[obj.pk])

    def get_report_url(self, obj: Visit) -> str | None:
        return reverse("field:report", args=[obj.pk]) if obj.report_generated_at else None


class VisitNoteOutput(serializers.ModelSerializer[VisitNote]):
    class Meta:
        model = VisitNote
        fields = ["id", "body", "occurred_at", "author", "created_at"]
        read_only_fields = fields


class VisitPhotoOutput(serializers.ModelSerializer[VisitPhoto]):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = VisitPhoto
        fields = ["id", "caption", "width", "height", "occurred_at", "author", "attachment", "download_url"]
        read_only_fields = fields

    def get_download_url(self, obj: VisitPhoto) -> str:
        return reverse("tickets:attachment", args=[obj.visit.ticket.number, obj.attachment_id])


class VisitPartOutput(serializers.ModelSerializer[VisitPart]):
    class Meta:
        model = VisitPart
        fields = ["id", "part_number", "quantity", "serial", "removed_serial", "occurred_at", "author"]
        read_only_fields = fields


class VisitDetailOutput(VisitOutput):
    notes = VisitNoteOutput(many=True, read_only=True)
    photos = VisitPhotoOutput(many=True, read_only=True)
    parts = VisitPartOutput(many=True, read_only=True)

    class Meta(VisitOutput.Meta):
        fields = [*VisitOutput.Meta.fields, "notes", "photos", "parts"]
        read_only_fields = fields


class VisitScheduleInput(StrictInputSerializer):
    ticket = serializers.CharField(help_text="SR number of the request.")
    engineer = serializers.IntegerField(help_text="User id of the engineer.")
    window_start = serializers.DateTimeField()
    window_end = serializers.DateTimeField()
    contact = serializers.IntegerField(required=False, allow_null=True, default=None)
    access_notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    report_language = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=10,
        help_text="zh-hans or en; empty: the customer contact's language.",
    )
    reassign = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Take the request from whoever holds it now; without it such a request is refused.",
    )


class VisitStepInput(StrictInputSerializer):
    """One step from the phone. ``key`` makes it idempotent; ``occurred_at`` is when it happened."""

    key = serializers.UUIDField(help_text="Client-generated UUID; a step sent again with it is done once.")
    step = serializers.ChoiceField(choices=Action.choices)
    occurred_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="When it happened (ISO 8601 with zone)."
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Why (decline); why here (a check-in far from the site).",
    )
    body = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    summary = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    caption = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    signer_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    latitude = serializers.FloatField(required=False, allow_null=True, default=None)
    longitude = serializers.FloatField(required=False, allow_null=True, default=None)
    accuracy = serializers.FloatField(required=False, allow_null=True, default=None)
    part_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    quantity = serializers.IntegerField(required=False, default=1, min_value=1, max_value=999)
    serial = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    removed_serial = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    file = serializers.FileField(
        required=False, allow_null=True, default=None, help_text="Photo (step=photo)."
    )
    signature = serializers.FileField(
        required=False, allow_null=True, default=None, help_text="Signature PNG (step=sign)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        upload = attrs.get("file") if attrs["step"] == Action.PHOTO else attrs.get("signature")
        if upload is not None:
            from sasms.field.images import SIGNATURE_MAX_BYTES, photo_max_bytes

            limit = photo_max_bytes() if attrs["step"] == Action.PHOTO else SIGNATURE_MAX_BYTES
            if upload.size > limit:
                name = "file" if attrs["step"] == Action.PHOTO else "signature"
                raise serializers.ValidationError(
                    {name: [_("The file is larger than %(mb)d MB.") % {"mb": max(1, limit // (1024 * 1024))}]}
                )
        return attrs

    def to_step(self) -> Step:
        data = self.validated_data
        upload = data.get("file") if data["step"] == Action.PHOTO else data.get("signature")
        return Step(
            key=data["key"],
            action=data["step"],
            occurred_at=data["occurred_at"],
            reason=data["reason"],
            body=data["body"],
            summary=data["summary"],
            caption=data["caption"],
            signer_name=data["signer_name"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            accuracy=data["accuracy"],
            part_number=data["part_number"],
            quantity=data["quantity"],
            serial=data["serial"],
            removed_serial=data["removed_serial"],
            content=upload.read() if upload is not None else None,
        )


class VisitStepOutput(serializers.Serializer[Any]):
    key = serializers.UUIDField()
    duplicate = serializers.BooleanField(help_text="True when this key was performed before.")
    received_at = serializers.DateTimeField()
    result = serializers.DictField()
