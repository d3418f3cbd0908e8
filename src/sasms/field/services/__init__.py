"""The only writers of field visits: one function per use case, each one transaction."""

from sasms.field.services.scheduling import cancel_visit, reschedule_visit, schedule_visit
from sasms.field.services.steps import (
    accept_visit,
    check_in,
    check_out,
    decline_visit,
    sign_visit,
    start_travel,
)
from sasms.field.services.worklog import add_note, add_part, add_photo

__all__ = [
    "accept_visit",
    "add_note",
    "add_part",
    "add_photo",
    "cancel_visit",
    "check_in",
    "check_out",
    "decline_visit",
    "reschedule_visit",
    "schedule_visit",
    "sign_visit",
    "start_travel",
]
