from rest_framework import serializers

from sasms.telemetry.choices import Rule, SeriesKind
from sasms.telemetry.models import ProactiveRequest, Threshold


class ThresholdInput(serializers.Serializer[None]):
    rule = serializers.ChoiceField(choices=Rule.choices)
    kind = serializers.ChoiceField(choices=SeriesKind.choices)
    part_model = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    value = serializers.FloatField(min_value=0, max_value=1_000_000)
    window_days = serializers.IntegerField(min_value=1, max_value=365, default=7)
    enabled = serializers.BooleanField(default=True)


class ThresholdOutput(serializers.ModelSerializer[Threshold]):
    class Meta:
        model = Threshold
        fields = ["id", "rule", "kind", "part_model", "value", "window_days", "enabled", "updated_at"]


class ProactiveOutput(serializers.ModelSerializer[ProactiveRequest]):
    server_serial = serializers.CharField(source="server.serial", read_only=True)
    part = serializers.CharField(source="series.label", read_only=True)
    metric = serializers.CharField(source="series.metric", read_only=True)
    ticket_number = serializers.CharField(source="ticket.number", read_only=True, default=None)

    class Meta:
        model = ProactiveRequest
        fields = [
            "id",
            "rule",
            "status",
            "server",
            "server_serial",
            "part",
            "metric",
            "observed_value",
            "threshold_value",
            "evidence",
            "ticket_number",
            "opened_at",
            "closed_at",
        ]
