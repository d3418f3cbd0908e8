"""Holiday years for the existing calendars with mainland China's public holidays.

The years ``chinese-calendar`` knows become official (source: library); the years after it, up to
two years after the current one, get provisional holidays computed from the statutory list, so
that New Year's Day and Spring Festival 2027 stop counting as working days. Running clocks of
those calendars are then re-targeted by the same code the services use; on a new database there
are none, and the re-targeting is skipped.
"""

import datetime
from typing import Any

from django.db import migrations
from django.db.models import F

YEARS_AHEAD = 2


def provision(apps: Any, schema_editor: Any) -> None:
    from sasms.sla.presets import seed_years
    from sasms.sla.statutory import provisional_holidays

    calendar_model = apps.get_model("sla", "BusinessCalendar")
    year_model = apps.get_model("sla", "HolidayYear")
    day_model = apps.get_model("sla", "SpecialDay")
    clock_model = apps.get_model("sla", "SlaClock")
    first, last = seed_years()
    this_year = datetime.date.today().year
    ahead = range(max(last + 1, this_year), this_year + YEARS_AHEAD + 1)
    calendars = list(calendar_model.objects.filter(holiday_region="cn", is_24x7=False))
    for calendar in calendars:
        known = set(year_model.objects.filter(calendar_id=calendar.pk).values_list("year", flat=True))
        year_model.objects.bulk_create(
            year_model(calendar_id=calendar.pk, year=year, status="official", source="library")
            for year in range(first, last + 1)
            if year not in known
        )
        for year in ahead:
            if year in known:
                continue
            taken = set(
                day_model.objects.filter(
                    calendar_id=calendar.pk, date__year=year, kind__in=["holiday", "workday"]
                ).values_list("date", flat=True)
            )
            day_model.objects.bulk_create(
                day_model(
                    calendar_id=calendar.pk,
                    date=day.date,
                    kind="holiday",
                    name=day.name[:120],
                    source="provisional",
                )
                for day in provisional_holidays(year)
                if day.date not in taken
            )
            year_model.objects.create(
                calendar_id=calendar.pk, year=year, status="provisional", source="statute"
            )
    ids = [calendar.pk for calendar in calendars]
    calendar_model.objects.filter(pk__in=ids).update(version=F("version") + 1)
    if ids and ahead and clock_model.objects.filter(calendar_id__in=ids, state="running").exists():
        from sasms.sla.clocks.recalc import retarget_clocks
        from sasms.sla.specs import clear_spec_cache

        clear_spec_cache()
        retarget_clocks(
            calendar_ids=ids,
            first_day=datetime.date(ahead[0], 1, 1),
            last_day=datetime.date(ahead[-1], 12, 31),
            reason="provisional public holidays",
        )


def unprovision(apps: Any, schema_editor: Any) -> None:
    apps.get_model("sla", "SpecialDay").objects.filter(source="provisional").delete()
    apps.get_model("sla", "HolidayYear").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0005_holiday_years")]

    operations = [migrations.RunPython(provision, unprovision)]
