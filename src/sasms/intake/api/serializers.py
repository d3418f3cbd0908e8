"""Input and output serializers of the intake API; inputs refuse unknown fields, secrets are write-only."""

from typing import Any

from rest_framework import serializers

from sasms.accounts.models import Organisation
from sasms.assets.models import Server
from sasms.core.api.serializers import StrictInputSerializer
from sasms.intake.choices import BmcAuth, BmcScheme, MailSecurity, MinSeverity, SourceKind
from sasms.intake.models import Alert, AlertSource, BmcEndpoint, Mailbox, ProcessedMessage, TriageItem


class MailboxOutput(serializers.ModelSerializer[Mailbox]):
    class Meta:
        model = Mailbox
        fields = [
            "id", "name", "address", "host", "port", "security", "username", "folder", "organisation",
            "reply_to", "is_active", "last_uid", "last_polled_at", "last_success_at", "last_error",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


def _organisations() -> Any:
    return Organisation.objects.filter(is_active=True)


class MailboxInput(StrictInputSerializer):
    name = serializers.CharField(max_length=120)
    address = serializers.EmailField()
    host = serializers.CharField(max_length=253)
    port = serializers.IntegerField(min_value=1, max_value=65535, default=993)
    security = serializers.ChoiceField(choices=MailSecurity.choices, default=MailSecurity.SSL)
    username = serializers.CharField(max_length=254)
    password = serializers.CharField(write_only=True, required=False, allow_blank=True, trim_whitespace=False)
    folder = serializers.CharField(max_length=200, default="INBOX")
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=_organisations(), allow_null=True, required=False
    )
    reply_to = serializers.BooleanField(default=False)
    is_active = serializers.BooleanField(default=True)


class MailboxUpdateInput(MailboxInput):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)


class AlertSourceOutput(serializers.ModelSerializer[AlertSource]):
    token_prefix = serializers.CharField(read_only=True)

    class Meta:
        model = AlertSource
        fields = [
            "id", "name", "kind", "organisation", "token_prefix", "min_severity", "correlation_minutes",
            "auto_resolve", "time_zone", "is_active", "last_received_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class AlertSourceCreatedOutput(AlertSourceOutput):
    token = serializers.CharField(read_only=True, help_text="Shown once; only a digest is stored.")
    webhook = serializers.CharField(read_only=True)

    class Meta(AlertSourceOutput.Meta):
        fields = [*AlertSourceOutput.Meta.fields, "token", "webhook"]
        read_only_fields = fields


class AlertSourceInput(StrictInputSerializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=SourceKind.choices)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=_organisations(), allow_null=True, required=False
    )
    min_severity = serializers.ChoiceField(choices=MinSeverity.choices, default=MinSeverity.WARNING)
    correlation_minutes = serializers.IntegerField(min_value=1, max_value=7 * 24 * 60, default=240)
    auto_resolve = serializers.BooleanField(default=True)
    time_zone = serializers.CharField(max_length=64, default="Asia/Shanghai")
    is_active = serializers.BooleanField(default=True)


class AlertSourceUpdateInput(AlertSourceInput):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)


class BmcEndpointOutput(serializers.ModelSerializer[BmcEndpoint]):
    class Meta:
        model = BmcEndpoint
        fields = [
            "id", "server", "address", "port", "scheme", "username", "auth", "verify_tls",
            "poll_interval_minutes", "log_since", "is_active", "disabled_reason", "push_token_prefix",
            "last_polled_at", "last_success_at", "last_status", "last_error", "last_problems",
            "last_event_at", "next_poll_at", "identity_status", "identity_checked_at",
            "identity_mismatch_since", "reported_serial", "system_uuid", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class BmcEndpointInput(StrictInputSerializer):
    server = serializers.PrimaryKeyRelatedField(queryset=Server.objects.all())
    address = serializers.CharField(max_length=253)
    port = serializers.IntegerField(min_value=1, max_value=65535, allow_null=True, required=False)
    scheme = serializers.ChoiceField(choices=BmcScheme.choices, default=BmcScheme.HTTPS)
    username = serializers.CharField(max_length=120)
    password = serializers.CharField(write_only=True, required=False, allow_blank=True, trim_whitespace=False)
    auth = serializers.ChoiceField(choices=BmcAuth.choices, default=BmcAuth.SESSION)
    verify_tls = serializers.BooleanField(default=True)
    poll_interval_minutes = serializers.IntegerField(min_value=1, max_value=1440, default=10)
    log_since = serializers.DateTimeField(allow_null=True, required=False)
    is_active = serializers.BooleanField(default=True)


class BmcEndpointUpdateInput(BmcEndpointInput):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)


class PushTokenOutput(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Shown once; only a digest is stored.")
    url = serializers.CharField()


class PollOutput(serializers.Serializer[Any]):
    status = serializers.CharField()
    error = serializers.CharField()
    new_faults = serializers.IntegerField()
    recovered = serializers.IntegerField()
    requests_opened = serializers.ListField(child=serializers.CharField())
    requests_updated = serializers.ListField(child=serializers.CharField())
    inventory = serializers.DictField(child=serializers.IntegerField())


class AlertOutput(serializers.ModelSerializer[Alert]):
    ticket: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="number", read_only=True
    )

    class Meta:
        model = Alert
        fields = [
            "id", "source", "fingerprint", "status", "name", "severity", "summary", "description", "labels",
            "annotations", "url", "component", "incident_key", "server", "ticket", "triage", "starts_at",
            "ends_at", "first_received_at", "last_received_at", "receive_count",
        ]  # fmt: skip
        read_only_fields = fields


class MessageOutput(serializers.ModelSerializer[ProcessedMessage]):
    ticket: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="number", read_only=True
    )

    class Meta:
        model = ProcessedMessage
        fields = [
            "id", "message_id", "mailbox", "sender", "sender_name", "subject", "sent_at", "processed_at",
            "outcome", "ticket", "size", "problems", "detail",
        ]  # fmt: skip
        read_only_fields = fields


class TriageOutput(serializers.ModelSerializer[TriageItem]):
    ticket: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="number", read_only=True
    )

    class Meta:
        model = TriageItem
        fields = [
            "id", "channel", "reason", "status", "summary", "origin", "detail", "payload", "message",
            "source", "suggested_organisation", "created_at", "resolution", "resolved_by", "resolved_at",
            "ticket", "note",
        ]  # fmt: skip
        read_only_fields = fields


class TriageCreateInput(StrictInputSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=_organisations())
    server = serializers.PrimaryKeyRelatedField(
        queryset=Server.objects.all(), allow_null=True, required=False
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    add_contact = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TriageAttachInput(StrictInputSerializer):
    number = serializers.CharField(max_length=20, help_text="SR number of an open request")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TriageDiscardInput(StrictInputSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
