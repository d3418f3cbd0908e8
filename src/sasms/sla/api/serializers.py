"""Input and output serializers for business calendars; inputs refuse unknown fields."""

import datetime
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sasms.core.api.serializers import StrictInputSerializer
from sasms.sla.forms import parse_hhmm
from sasms.sla.models import (
    BusinessCalendar,
    ClockEntry,
    EscalationPolicy,
    EscalationStep,
    HolidayYearStatus,
    SlaClock,
    SpecialDay,
    SpecialDayKind,
    WorkingInterval,
    minutes_label,
)


class TimeOfDay(serializers.CharField):
    """``HH:MM`` (``24:00`` is the end of the day), as minutes after midnight inside."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 5)
        kwargs.setdefault("help_text", "Local time HH:MM; 24:00 is the end of the day.")
        super().__init__(**kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        text = super().run_validation(data)
        if text is None or text == "":
            return None
        try:
            return parse_hhmm(text)
        except Exception as exc:  # a forms.ValidationError: same message, DRF's type
            raise serializers.ValidationError(_("Enter a time as HH:MM, e.g. 09:00.")) from exc

    def to_representation(self, value: Any) -> Any:
        return minutes_label(value)


class WorkingIntervalOutput(serializers.ModelSerializer[WorkingInterval]):
    start = serializers.CharField(source="start_label", read_only=True)
    end = serializers.CharField(source="end_label", read_only=True)

    class Meta:
        model = WorkingInterval
        fields = ["weekday", "start", "end"]
        read_only_fields = fields


class HolidayYearOutput(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    status = serializers.ChoiceField(choices=HolidayYearStatus.choices)
    # Declared fields are taken off the class, so this does not shadow ``Field.source``.
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]


class CalendarOutput(serializers.ModelSerializer[BusinessCalendar]):
    intervals = WorkingIntervalOutput(many=True, read_only=True)
    holiday_years = serializers.SerializerMethodField(
        help_text="Public-holiday status of last year, this year and the next two: official, "
        "provisional (computed from the statutory list), missing, or n/a (7×24)."
    )

    @extend_schema_field(HolidayYearOutput(many=True))
    def get_holiday_years(self, calendar: BusinessCalendar) -> list[dict[str, Any]]:
        from sasms.sla.selectors import year_statuses

        this_year = datetime.date.today().year
        statuses = year_statuses(calendar, range(this_year - 1, this_year + 3))
        return [row._asdict() for row in statuses.values()]

    class Meta:
        model = BusinessCalendar
        fields = [
            "id",
            "name",
            "code",
            "description",
            "time_zone",
            "coverage",
            "is_24x7",
            "holiday_region",
            "is_active",
            "version",
            "updated_at",
            "intervals",
            "holiday_years",
        ]
        read_only_fields = fields


class SpecialDayOutput(serializers.ModelSerializer[SpecialDay]):
    start = serializers.SerializerMethodField()
    end = serializers.SerializerMethodField()

    class Meta:
        model = SpecialDay
        fields = ["id", "calendar", "date", "kind", "name", "start", "end", "source"]
        read_only_fields = fields

    def get_start(self, day: SpecialDay) -> str | None:
        return minutes_label(day.start_minute) if day.start_minute is not None else None

    def get_end(self, day: SpecialDay) -> str | None:
        return minutes_label(day.end_minute) if day.end_minute is not None else None


class SpecialDayCreateInput(StrictInputSerializer):
    calendar = serializers.IntegerField()
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=SpecialDayKind.choices)
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    start = TimeOfDay(required=False, allow_null=True)
    end = TimeOfDay(required=False, allow_null=True)


class SpecialDayUpdateInput(StrictInputSerializer):
    date = serializers.DateField(required=False)
    kind = serializers.ChoiceField(choices=SpecialDayKind.choices, required=False)
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    start = TimeOfDay(required=False, allow_null=True)
    end = TimeOfDay(required=False, allow_null=True)


class ComputeInput(StrictInputSerializer):
    start = serializers.DateTimeField(
        help_text="An instant with its offset, e.g. 2026-10-08T09:00:00+08:00 (else the server's zone)."
    )
    duration_minutes = serializers.IntegerField(
        min_value=0, max_value=60 * 24 * 366 * 5, required=False, help_text="Business minutes to add."
    )
    end = serializers.DateTimeField(required=False, help_text="Measure business time from start to end.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "duration_minutes" not in attrs and "end" not in attrs:
            message = _("Give a duration, an end time, or both.")
            raise serializers.ValidationError({"duration_minutes": [message]})
        return attrs


class ComputeOutput(serializers.Serializer[dict[str, Any]]):
    calendar = serializers.IntegerField()
    start = serializers.DateTimeField(default_timezone=datetime.UTC)
    duration_minutes = serializers.IntegerField(allow_null=True)
    due = serializers.DateTimeField(
        allow_null=True, default_timezone=datetime.UTC, help_text="start + duration in business time (UTC)."
    )
    end = serializers.DateTimeField(allow_null=True, default_timezone=datetime.UTC)
    business_seconds = serializers.FloatField(allow_null=True, help_text="Business time from start to end.")


def compute_payload(
    *,
    calendar_id: int,
    start: datetime.datetime,
    duration_minutes: int | None,
    due: datetime.datetime | None,
    end: datetime.datetime | None,
    business: datetime.timedelta | None,
) -> dict[str, Any]:
    return {
        "calendar": calendar_id,
        "start": start.astimezone(datetime.UTC),
        "duration_minutes": duration_minutes,
        "due": due,
        "end": end.astimezone(datetime.UTC) if end is not None else None,
        "business_seconds": business.total_seconds() if business is not None else None,
    }


class ClockEntryOutput(serializers.ModelSerializer[ClockEntry]):
    class Meta:
        model = ClockEntry
        fields = ["at", "kind", "consumed_minutes", "target_minutes", "reason"]
        read_only_fields = fields


class ClockOutput(serializers.ModelSerializer[SlaClock]):
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    status = serializers.CharField(read_only=True)
    calendar_code = serializers.CharField(source="calendar.code", read_only=True)
    entries = ClockEntryOutput(many=True, read_only=True)

    class Meta:
        model = SlaClock
        fields = [
            "id",
            "ticket",
            "ticket_number",
            "kind",
            "status",
            "state",
            "calendar_code",
            "target_minutes",
            "consumed_minutes",
            "started_at",
            "due_at",
            "met_at",
            "breached_at",
            "cycle",
            "cycles_missed",
            "entries",
        ]
        read_only_fields = fields


class EscalationStepOutput(serializers.ModelSerializer[EscalationStep]):
    clock_kind = serializers.CharField(read_only=True, help_text="A clock kind, or empty for every clock.")

    class Meta:
        model = EscalationStep
        fields = ["clock_kind", "fraction", "actions"]
        read_only_fields = fields


class EscalationPolicyOutput(serializers.ModelSerializer[EscalationPolicy]):
    steps = EscalationStepOutput(many=True, read_only=True)

    class Meta:
        model = EscalationPolicy
        fields = ["id", "name", "priorities", "around_the_clock", "is_active", "steps"]
        read_only_fields = fields
