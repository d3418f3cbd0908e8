"""SOP checklists: the steps an engineer ticks off, per kind of service.

Steps are stored by code and labelled at display time, so one checklist reads in both languages.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sasms.tickets.choices import Category, ServiceKind, TicketType

STEP_LABELS: dict[str, Promise] = {
    "collect_logs": _("Collect BMC/SEL and OS logs"),
    "confirm_fault": _("Confirm the faulty part from the logs"),
    "check_entitlement": _("Check entitlement and parts availability"),
    "reserve_part": _("Reserve the replacement part"),
    "schedule_visit": _("Agree the on-site time with the customer"),
    "replace_part": _("Replace the part and record the serial numbers"),
    "verify_health": _("Verify server health after the replacement"),
    "return_part": _("Return the defective part (RMA)"),
    "reproduce": _("Reproduce the problem"),
    "check_versions": _("Check firmware, driver and OS versions against the support matrix"),
    "search_kb": _("Search the knowledge base and vendor advisories"),
    "apply_fix": _("Apply the fix or workaround"),
    "verify_fix": _("Verify the fix with the customer"),
    "baseline": _("Measure a performance baseline"),
    "find_bottleneck": _("Find the bottleneck (CPU, memory, disk, network)"),
    "tune": _("Apply tuning changes one at a time"),
    "measure_again": _("Measure again and compare with the baseline"),
    "understand_question": _("Understand the question"),
    "answer": _("Answer with references"),
    "confirm_understood": _("Confirm the customer has what they need"),
}

SOP_STEPS: dict[str, tuple[str, ...]] = {
    ServiceKind.HARDWARE_REPLACEMENT: (
        "collect_logs",
        "confirm_fault",
        "check_entitlement",
        "reserve_part",
        "schedule_visit",
        "replace_part",
        "verify_health",
        "return_part",
    ),
    ServiceKind.SOFTWARE_DEBUGGING: (
        "collect_logs",
        "reproduce",
        "check_versions",
        "search_kb",
        "apply_fix",
        "verify_fix",
    ),
    ServiceKind.PERFORMANCE_TUNING: ("baseline", "find_bottleneck", "tune", "measure_again"),
    ServiceKind.CONSULTATION: ("understand_question", "answer", "confirm_understood"),
}


def step_label(code: str) -> str:
    return str(STEP_LABELS.get(code, code))


def service_kind_for(*, type: str, category: str) -> ServiceKind:
    """The SOP a new request follows when the caller does not name one."""
    if type == TicketType.CONSULTATION:
        return ServiceKind.CONSULTATION
    if category == Category.PERFORMANCE:
        return ServiceKind.PERFORMANCE_TUNING
    if category == Category.HARDWARE or type == TicketType.RMA:
        return ServiceKind.HARDWARE_REPLACEMENT
    return ServiceKind.SOFTWARE_DEBUGGING
