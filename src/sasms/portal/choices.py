"""Plain-language choices of the portal, mapped onto the service desk's own scales."""

from django.utils.translation import gettext_lazy as _

from sasms.tickets.choices import Category, Level, Status, TicketType

# How much of the customer's business is affected → impact.
IMPACT_CHOICES = [
    (Level.HIGH.value, _("Many people or a whole service are affected")),
    (Level.MEDIUM.value, _("Some people or one application are affected")),
    (Level.LOW.value, _("Only me, or nothing is affected yet")),
]
# How soon it must be fixed → urgency.
URGENCY_CHOICES = [
    (Level.HIGH.value, _("Now: production is down or data is at risk")),
    (Level.MEDIUM.value, _("Today: it works, but badly")),
    (Level.LOW.value, _("It can wait: a question or planned work")),
]
KIND_CHOICES = [
    (TicketType.INCIDENT.value, _("Something is broken")),
    (TicketType.CONSULTATION.value, _("I have a question")),
    (TicketType.SERVICE_REQUEST.value, _("I need planned work or a change")),
]
CATEGORY_CHOICES = [
    (Category.HARDWARE.value, _("Hardware (disk, memory, power, fans …)")),
    (Category.SOFTWARE.value, _("Software, firmware or drivers")),
    (Category.NETWORK.value, _("Network")),
    (Category.PERFORMANCE.value, _("Slow performance")),
    (Category.OTHER.value, _("Something else")),
]

# What each status means for the customer, in their words.
STATUS_SENTENCES = {
    Status.NEW: _("We have received your request and are finding the right engineer."),
    Status.ASSIGNED: _("An engineer has been assigned and will contact you."),
    Status.IN_PROGRESS: _("An engineer is working on it."),
    Status.WAITING_CUSTOMER: _("We need something from you: please reply below."),
    Status.WAITING_PARTS: _("We are waiting for a spare part."),
    Status.RESOLVED: _("We believe it is solved. Please confirm, or reopen it if the problem remains."),
    Status.CLOSED: _("This request is closed."),
    Status.CANCELLED: _("This request was cancelled."),
}

# The customer's progress bar: received → assigned → being worked → resolved → closed.
STEPS = [
    ("received", _("Received")),
    ("assigned", _("Engineer assigned")),
    ("working", _("Being worked on")),
    ("resolved", _("Resolved")),
    ("closed", _("Closed")),
]
STEP_OF_STATUS = {
    Status.NEW: 0,
    Status.ASSIGNED: 1,
    Status.IN_PROGRESS: 2,
    Status.WAITING_CUSTOMER: 2,
    Status.WAITING_PARTS: 2,
    Status.RESOLVED: 3,
    Status.CLOSED: 4,
    Status.CANCELLED: 4,
}

# SLA clock names as the customer reads them.
CLOCK_LABELS = {
    "response": _("First response"),
    "dispatch": _("Engineer assigned"),
    "onsite": _("Engineer on site"),
    "resolution": _("Resolution"),
    "update": _("Next progress update"),
    "parts": _("Spare part delivered"),
}
