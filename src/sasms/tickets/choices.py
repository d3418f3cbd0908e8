"""The vocabulary of a service request: statuses, channels, types, categories and codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting for customer")
    WAITING_PARTS = "waiting_parts", _("Waiting for parts")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = frozenset(
    {Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.WAITING_PARTS}
)
WAITING_STATUSES = frozenset({Status.WAITING_CUSTOMER, Status.WAITING_PARTS})
FINAL_STATUSES = frozenset({Status.CLOSED, Status.CANCELLED})


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    PORTAL = "portal", _("Portal")
    API = "api", _("API")
    MONITORING = "monitoring", _("Monitoring")
    BMC = "bmc", _("BMC")


class TicketType(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    SERVICE_REQUEST = "service_request", _("Service request")
    RMA = "rma", _("RMA")
    CONSULTATION = "consultation", _("Consultation")
    PREVENTIVE = "preventive", _("Preventive maintenance")
    INSTALLATION = "installation", _("Installation / migration")


class Category(models.TextChoices):
    HARDWARE = "hardware", _("Hardware")
    SOFTWARE = "software", _("Software")
    NETWORK = "network", _("Network")
    PERFORMANCE = "performance", _("Performance")
    CONSULTATION = "consultation", _("Consultation")
    OTHER = "other", _("Other")


class ComponentArea(models.TextChoices):
    """What part of the server the request is about (hardware parts, then software layers)."""

    DISK = "disk", _("Disk")
    MEMORY = "memory", _("Memory")
    PSU = "psu", _("Power supply")
    FAN = "fan", _("Fan")
    MAINBOARD = "mainboard", _("Mainboard")
    RAID = "raid", _("RAID controller")
    NIC = "nic", _("Network card")
    CPU = "cpu", _("CPU")
    BMC = "bmc", _("BMC")
    OS = "os", _("Operating system")
    FIRMWARE = "firmware", _("Firmware")
    DRIVER = "driver", _("Driver")
    VIRTUALISATION = "virtualisation", _("Virtualisation")
    OTHER = "other", _("Other")


HARDWARE_AREAS = frozenset(
    {
        ComponentArea.DISK,
        ComponentArea.MEMORY,
        ComponentArea.PSU,
        ComponentArea.FAN,
        ComponentArea.MAINBOARD,
        ComponentArea.RAID,
        ComponentArea.NIC,
        ComponentArea.CPU,
        ComponentArea.BMC,
    }
)


class Level(models.TextChoices):
    """Impact and urgency share one scale: 1 is the highest."""

    HIGH = "1", _("High")
    MEDIUM = "2", _("Medium")
    LOW = "3", _("Low")


class Priority(models.TextChoices):
    P1 = "P1", _("P1 urgent")
    P2 = "P2", _("P2 high")
    P3 = "P3", _("P3 normal")
    P4 = "P4", _("P4 low")


class Tier(models.IntegerChoices):
    T1 = 1, _("Tier 1")
    T2 = 2, _("Tier 2")
    T3 = 3, _("Tier 3")


class ResolutionCode(models.TextChoices):
    PART_REPLACED = "part_replaced", _("Part replaced")
    FIRMWARE_UPDATED = "firmware_updated", _("Firmware updated")
    CONFIGURATION_CHANGED = "configuration_changed", _("Configuration changed")
    SOFTWARE_FIX = "software_fix", _("Software fix / patch")
    ADVICE_GIVEN = "advice_given", _("Advice given")
    NO_FAULT_FOUND = "no_fault_found", _("No fault found")
    CUSTOMER_ERROR = "customer_error", _("Customer error")
    WORKAROUND = "workaround", _("Workaround")
    DUPLICATE = "duplicate", _("Duplicate")


class TimeAndMaterials(models.TextChoices):
    """For requests without entitlement: does the customer pay per call-out?"""

    NOT_NEEDED = "", _("Not needed (entitled)")
    PENDING = "pending", _("Decision pending")
    ACCEPTED = "accepted", _("Customer accepted time and materials")
    DECLINED = "declined", _("Customer declined")


class LinkKind(models.TextChoices):
    RELATED = "related", _("Related to")
    DUPLICATE_OF = "duplicate_of", _("Duplicate of")
    PARENT_OF = "parent_of", _("Parent of")


class ServiceKind(models.TextChoices):
    """Selects the SOP checklist created with the request."""

    HARDWARE_REPLACEMENT = "hardware_replacement", _("Hardware replacement")
    SOFTWARE_DEBUGGING = "software_debugging", _("Software debugging")
    PERFORMANCE_TUNING = "performance_tuning", _("Performance tuning")
    CONSULTATION = "consultation", _("Consultation")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS = "status", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    TIER = "tier", _("Tier changed")
    PRIORITY = "priority", _("Priority changed")
    UPDATED = "updated", _("Details changed")
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")
    ATTACHMENT = "attachment", _("Attachment added")
    LINK = "link", _("Linked")
    MERGED = "merged", _("Merged")
    WATCHER = "watcher", _("Watchers changed")
    CHECKLIST = "checklist", _("Checklist item")
    RESOLUTION = "resolution", _("Resolution recorded")
    TIME_AND_MATERIALS = "time_and_materials", _("Time-and-materials decision")
    SLA = "sla", _("SLA")
    DISPATCH = "dispatch", _("Dispatch")
    VISIT = "visit", _("Field visit")
    PARTS = "parts", _("Parts")
    SURVEY = "survey", _("Satisfaction survey")
    KNOWLEDGE = "knowledge", _("Knowledge")
