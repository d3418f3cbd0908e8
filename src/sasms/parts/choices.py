"""The vocabulary of spare parts: part types, conditions, depots, movements and their states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartKind(models.TextChoices):
    """What a part is; the values match :class:`sasms.assets.models.ComponentKind` plus ``other``."""

    CPU = "cpu", _("CPU")
    DIMM = "dimm", _("Memory DIMM")
    DISK = "disk", _("Disk")
    SSD = "ssd", _("SSD")
    PSU = "psu", _("Power supply")
    FAN = "fan", _("Fan")
    NIC = "nic", _("Network card")
    RAID = "raid", _("RAID controller")
    MAINBOARD = "mainboard", _("Mainboard")
    BMC = "bmc", _("BMC")
    OTHER = "other", _("Other")


# The failed-component area of a service request → the part types that fix it.
AREA_PART_KINDS: dict[str, tuple[str, ...]] = {
    "disk": (PartKind.DISK, PartKind.SSD),
    "memory": (PartKind.DIMM,),
    "psu": (PartKind.PSU,),
    "fan": (PartKind.FAN,),
    "mainboard": (PartKind.MAINBOARD,),
    "raid": (PartKind.RAID,),
    "nic": (PartKind.NIC,),
    "cpu": (PartKind.CPU,),
    "bmc": (PartKind.BMC, PartKind.MAINBOARD),
}


class Condition(models.TextChoices):
    NEW = "new", _("New")
    REFURBISHED = "refurbished", _("Refurbished")
    DEFECTIVE = "defective", _("Defective")


USABLE_CONDITIONS = (Condition.NEW, Condition.REFURBISHED)


class UsableCondition(models.TextChoices):
    """The conditions that can be reserved, issued and received from suppliers."""

    NEW = "new", _("New")
    REFURBISHED = "refurbished", _("Refurbished")


class DepotKind(models.TextChoices):
    CENTRAL = "central", _("Central warehouse")
    REGIONAL = "regional", _("Regional depot")
    FORWARD = "forward", _("Forward stocking location")


class ServiceTier(models.TextChoices):
    FOUR_HOUR = "4h", _("4-hour")
    NEXT_BUSINESS_DAY = "nbd", _("Next business day")


class MovementKind(models.TextChoices):
    RECEIVE = "receive", _("Receive")
    RESERVE = "reserve", _("Reserve")
    RELEASE = "release", _("Release")
    ISSUE = "issue", _("Issue to a request")
    RETURN_GOOD = "return_good", _("Return good")
    RETURN_DEFECTIVE = "return_defective", _("Return defective")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    SHIP_TO_VENDOR = "ship_to_vendor", _("Ship to vendor (RMA)")
    RECEIVE_REPAIRED = "receive_repaired", _("Receive repaired")
    RECEIVE_REPLACEMENT = "receive_replacement", _("Receive replacement")
    SCRAP = "scrap", _("Scrap")
    ADJUST = "adjust", _("Adjust")


class ReservationStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    DELIVERED = "delivered", _("Delivered on site")
    CONSUMED = "consumed", _("Used")
    RELEASED = "released", _("Released")


OPEN_RESERVATION_STATUSES = (ReservationStatus.RESERVED, ReservationStatus.DELIVERED)


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SHIPPED = "shipped", _("Shipped")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class ReturnStatus(models.TextChoices):
    EXPECTED = "expected", _("Expected")
    RECEIVED = "received", _("Received")
    WRITTEN_OFF = "written_off", _("Written off")


class RmaStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SHIPPED = "shipped", _("Shipped to vendor")
    RECEIVED_BY_VENDOR = "received_by_vendor", _("Received by vendor")
    REPAIRED = "repaired", _("Repaired")
    REPLACED = "replaced", _("Replaced")
    BACK_IN_STOCK = "back_in_stock", _("Back in stock")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_RMA_STATUSES = (
    RmaStatus.REQUESTED,
    RmaStatus.SHIPPED,
    RmaStatus.RECEIVED_BY_VENDOR,
    RmaStatus.REPAIRED,
    RmaStatus.REPLACED,
    RmaStatus.BACK_IN_STOCK,
)

# Which RMA step may follow which.
RMA_NEXT: dict[str, tuple[str, ...]] = {
    RmaStatus.REQUESTED: (RmaStatus.SHIPPED, RmaStatus.CANCELLED),
    RmaStatus.SHIPPED: (RmaStatus.RECEIVED_BY_VENDOR,),
    RmaStatus.RECEIVED_BY_VENDOR: (RmaStatus.REPAIRED, RmaStatus.REPLACED),
    RmaStatus.REPAIRED: (RmaStatus.BACK_IN_STOCK,),
    RmaStatus.REPLACED: (RmaStatus.BACK_IN_STOCK,),
    RmaStatus.BACK_IN_STOCK: (RmaStatus.CLOSED,),
    RmaStatus.CLOSED: (),
    RmaStatus.CANCELLED: (),
}


class SerialStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    IN_TRANSIT = "in_transit", _("In transit")
    INSTALLED = "installed", _("Installed")
    DEFECTIVE = "defective", _("Defective at depot")
    AT_VENDOR = "at_vendor", _("At the vendor")
    SCRAPPED = "scrapped", _("Scrapped")


class ProblemKind(models.TextChoices):
    UNKNOWN_PART = "unknown_part", _("Unknown part number")
    NO_STOCK = "no_stock", _("Used without stock")
    SERIAL_NOT_IN_STOCK = "serial_not_in_stock", _("Serial not in stock")
    REMOVED_SERIAL_UNKNOWN = "removed_serial_unknown", _("Removed serial not on the server")
    BOOKING_FAILED = "booking_failed", _("Booking failed")


class ForecastMethod(models.TextChoices):
    SBA = "sba", _("Croston (SBA)")
    INSTALLED_BASE = "installed_base", _("Installed base × failure rate")
    NONE = "none", _("No demand")
