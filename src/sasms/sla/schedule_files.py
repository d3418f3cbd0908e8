"""Reading an official holiday schedule (放假安排) from CSV text or an iCalendar (.ics) file.

CSV: one line per holiday range or make-up workday, ``start,end,kind,name``; ``end`` may be empty
for one day, ``kind`` is ``holiday`` / ``workday`` (also 休, 假, 放假 / 班, 上班, 补班), a header
line is optional. iCalendar: all-day events; an event whose summary or categories say 班 / 上班 /
补班 / workday is a make-up workday, every other event a holiday (DTEND is exclusive, as RFC 5545
says). Parsing never writes: the caller previews the result and imports it through the service.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_RANGE_DAYS = 31
MAX_BYTES = 512 * 1024

HOLIDAY_WORDS = {"holiday", "h", "off", "休", "假", "放假", "休息", "节假日"}
WORKDAY_WORDS = {"workday", "w", "work", "班", "上班", "补班", "调休上班", "make-up", "makeup"}
_WORKDAY_IN_TEXT = re.compile(r"补班|上班|调休上班|(?<![a-z])work ?day|make-?up", re.IGNORECASE)
_HEADER_WORDS = {"date", "start", "from", "日期", "开始"}


class ScheduleFileError(ValueError):
    """What is wrong with the file, one message per problem (line numbers included)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class ScheduleDay:
    date: datetime.date
    kind: str  # "holiday" or "workday"
    name: str


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text.strip().replace("/", "-"))


def _expand(start: datetime.date, end: datetime.date, kind: str, name: str) -> list[ScheduleDay]:
    return [
        ScheduleDay(start + datetime.timedelta(days=n), kind, name) for n in range((end - start).days + 1)
    ]


def _check_days(days: list[ScheduleDay], errors: list[str]) -> list[ScheduleDay]:
    seen: dict[datetime.date, ScheduleDay] = {}
    for day in days:
        other = seen.get(day.date)
        if other is not None and other.kind != day.kind:
            errors.append(
                _("%(date)s is both a holiday and a make-up workday.") % {"date": day.date.isoformat()}
            )
        seen.setdefault(day.date, day)
    if errors:
        raise ScheduleFileError(errors)
    if not seen:
        raise ScheduleFileError([_("The schedule lists no days.")])
    return sorted(seen.values(), key=lambda d: d.date)


def parse_csv(text: str) -> list[ScheduleDay]:
    errors: list[str] = []
    days: list[ScheduleDay] = []
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and cells[0].lower() in _HEADER_WORDS:
            continue
        if len(cells) < 3:
            errors.append(
                _("Line %(line)d: write start,end,kind,name (end may be empty).") % {"line": number}
            )
            continue
        try:
            start = _date(cells[0])
            end = _date(cells[1]) if cells[1] else start
        except ValueError:
            errors.append(_("Line %(line)d: dates are written YYYY-MM-DD.") % {"line": number})
            continue
        word = cells[2].lower()
        kind = "holiday" if word in HOLIDAY_WORDS else "workday" if word in WORKDAY_WORDS else ""
        if not kind:
            errors.append(
                _("Line %(line)d: the kind is “holiday” or “workday”, not “%(kind)s”.")
                % {"line": number, "kind": cells[2]}
            )
            continue
        if end < start:
            errors.append(_("Line %(line)d: the end is before the start.") % {"line": number})
            continue
        if (end - start).days >= MAX_RANGE_DAYS:
            errors.append(
                _("Line %(line)d: a range is at most %(days)d days.")
                % {"line": number, "days": MAX_RANGE_DAYS}
            )
            continue
        name = ",".join(cells[3:]).strip()[:120]
        days.extend(_expand(start, end, kind, name))
    return _check_days(days, errors)


def parse_ics(content: bytes) -> list[ScheduleDay]:
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(content)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ScheduleFileError(
            [_("This is not a readable iCalendar file (%(error)s).") % {"error": exc}]
        ) from exc
    errors: list[str] = []
    days: list[ScheduleDay] = []
    for number, event in enumerate(calendar.walk("VEVENT"), start=1):
        summary = str(event.get("SUMMARY", "")).strip()
        label = summary or _("event %(n)d") % {"n": number}
        raw_start = event.get("DTSTART")
        if raw_start is None:
            errors.append(_("%(event)s: no start date.") % {"event": label})
            continue
        start = raw_start.dt
        if isinstance(start, datetime.datetime) or not isinstance(start, datetime.date):
            errors.append(_("%(event)s: only all-day events can be imported.") % {"event": label})
            continue
        raw_end = event.get("DTEND")
        if raw_end is not None and isinstance(raw_end.dt, datetime.date):
            last = raw_end.dt - datetime.timedelta(days=1)  # DTEND is exclusive
        elif event.get("DURATION") is not None:
            last = start + event.get("DURATION").dt - datetime.timedelta(days=1)
        else:
            last = start
        if isinstance(last, datetime.datetime):
            last = last.date()
        last = max(last, start)
        if (last - start).days >= MAX_RANGE_DAYS:
            errors.append(
                _("%(event)s: a range is at most %(days)d days.") % {"event": label, "days": MAX_RANGE_DAYS}
            )
            continue
        categories = event.get("CATEGORIES")
        words = " ".join(
            str(item)
            for group in (categories if isinstance(categories, list) else [categories] if categories else [])
            for item in getattr(group, "cats", [group])
        )
        kind = (
            "workday"
            if _WORKDAY_IN_TEXT.search(f"{summary} {words}") or summary.endswith("班")
            else "holiday"
        )
        days.extend(_expand(start, last, kind, summary[:120]))
    if not days and not errors:
        errors.append(_("The file has no events."))
    return _check_days(days, errors)


def parse_schedule(*, filename: str, content: bytes) -> list[ScheduleDay]:
    """The days of an uploaded schedule, by its name or, failing that, its content."""
    if len(content) > MAX_BYTES:
        raise ScheduleFileError([_("The file is larger than 512 KB.")])
    if filename.lower().endswith((".ics", ".ical", ".ifb")) or content.lstrip().startswith(
        b"BEGIN:VCALENDAR"
    ):
        return parse_ics(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ScheduleFileError([_("The file is neither CSV text nor an iCalendar file.")]) from exc
    return parse_csv(text)


def days_to_text(days: list[ScheduleDay]) -> str:
    """The days as CSV lines (one per day), the form the preview carries to the confirmation."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for day in days:
        writer.writerow([day.date.isoformat(), "", day.kind, day.name])
    return buffer.getvalue()
