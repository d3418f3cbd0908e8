"""Vendors, server models, sites, servers, their components and bulk-import jobs.

The asset register answers "which server, whose, where, what is inside it"; contracts and
entitlement (``sasms.contracts``) point at :class:`Server`.
"""

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FormFactor(models.TextChoices):
    RACK_1U = "rack_1u", _("Rack 1U")
    RACK_2U = "rack_2u", _("Rack 2U")
    RACK_4U = "rack_4u", _("Rack 4U")
    TOWER = "tower", _("Tower")
    BLADE = "blade", _("Blade")
    MULTI_NODE = "multi_node", _("Multi-node")


class AssetKind(models.TextChoices):
    SERVER = "server", _("Server")
    # A blade or multi-node chassis: shared power, fans and chassis manager for the nodes it holds.
    ENCLOSURE = "enclosure", _("Enclosure")


class BusinessRole(models.TextChoices):
    """What the server does for the customer's business: how urgent a fault on it is."""

    NOT_STATED = "", _("Not stated")
    CORE = "core", _("Core production")
    PRODUCTION = "production", _("Production")
    BACKUP = "backup", _("Backup / disaster recovery")
    TEST = "test", _("Test / development")


class ServerStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    IN_SERVICE = "in_service", _("In service")
    UNDER_REPAIR = "under_repair", _("Under repair")
    DECOMMISSIONED = "decommissioned", _("Decommissioned")


class ComponentKind(models.TextChoices):
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
    GPU = "gpu", _("GPU")
    # An image of the BMC's firmware inventory (BIOS, BMC, CPLD, NIC firmware …): its version is what matters.
    FIRMWARE = "firmware", _("Firmware")


class SiteKind(models.TextChoices):
    DATA_CENTRE = "data_centre", _("Data centre")
    ROOM = "room", _("Room")


class Vendor(models.Model):
    """A server manufacturer (Dell, HPE, Lenovo, Inspur, Huawei, Supermicro …)."""

    name = models.CharField(_("name"), max_length=80)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    website = models.URLField(_("website"), blank=True)
    support_phone = models.CharField(_("support phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="assets_vendor_name_unique_ci",
                violation_error_message=_("A vendor with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class ServerModel(models.Model):
    """A product line of a vendor, e.g. Dell PowerEdge R750, with its life-cycle dates."""

    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="server_models"
    )
    name = models.CharField(_("model"), max_length=120)
    generation = models.CharField(_("generation"), max_length=40, blank=True)
    form_factor = models.CharField(
        _("form factor"), max_length=12, choices=FormFactor.choices, default=FormFactor.RACK_2U
    )
    release_date = models.DateField(_("release date"), null=True, blank=True)
    eol_date = models.DateField(_("end of life (EOL)"), null=True, blank=True)
    eosl_date = models.DateField(_("end of service life (EOSL)"), null=True, blank=True)

    class Meta:
        verbose_name = _("server model")
        verbose_name_plural = _("server models")
        ordering = ["vendor__name", "name"]
        constraints = [
            models.UniqueConstraint(
                "vendor",
                Lower("name"),
                name="assets_servermodel_vendor_name_unique_ci",
                violation_error_message=_("This vendor already has a model with this name."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.vendor.name} {self.name}" if self._state.fields_cache.get("vendor") else self.name

    def is_eosl(self, on: datetime.date | None = None) -> bool:
        return self.eosl_date is not None and self.eosl_date <= (on or timezone.localdate())


class Site(models.Model):
    """A data centre, or a room inside one, where an organisation keeps servers."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="sites",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("data centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rooms",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=SiteKind.choices, default=SiteKind.DATA_CENTRE)
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    access_notes = models.TextField(_("access notes"), blank=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("name"),
                name="assets_site_org_name_unique_ci",
                violation_error_message=_("This organisation already has a site with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Server(models.Model):
    """One physical server in the field. The serial number is unique per vendor.

    An enclosure (a blade or multi-node chassis) is a row of the same table with ``kind``
    ``enclosure``: it has a serial number, a model, an owner, contracts, requests and parts (its
    shared power supplies, fans and chassis manager) like any server, and the servers it holds
    point at it through ``enclosure``.
    """

    kind = models.CharField(
        _("asset kind"), max_length=10, choices=AssetKind.choices, default=AssetKind.SERVER
    )
    enclosure = models.ForeignKey(
        "self",
        verbose_name=_("enclosure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nodes",
        limit_choices_to={"kind": "enclosure"},
    )
    vendor = models.ForeignKey(Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="+")
    model = models.ForeignKey(
        ServerModel, verbose_name=_("model"), on_delete=models.PROTECT, related_name="servers"
    )
    serial = models.CharField(_("serial number"), max_length=64)
    asset_tag = models.CharField(_("asset tag"), max_length=64, blank=True)
    hostname = models.CharField(_("hostname"), max_length=253, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        related_name="servers",
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT, related_name="servers"
    )
    rack = models.CharField(_("rack"), max_length=40, blank=True)
    rack_unit = models.PositiveSmallIntegerField(_("U position"), null=True, blank=True)
    bmc_address = models.CharField(_("BMC address"), max_length=253, blank=True)
    operating_system = models.CharField(_("operating system"), max_length=120, blank=True)
    # Read with the request's text to judge urgency: "it's down" is P1 on a core system, not on a test box.
    business_role = models.CharField(
        _("business role"), max_length=12, choices=BusinessRole.choices, blank=True, default=""
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ServerStatus.choices, default=ServerStatus.IN_SERVICE
    )
    installation_date = models.DateField(_("installation date"), null=True, blank=True)
    warranty_start = models.DateField(_("warranty start"), null=True, blank=True)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("server")
        verbose_name_plural = _("servers")
        ordering = ["serial"]
        constraints = [
            models.UniqueConstraint(
                "vendor",
                "serial",
                name="assets_server_vendor_serial_unique",
                violation_error_message=_("A server with this serial number already exists for this vendor."),
            ),
            models.CheckConstraint(
                condition=models.Q(warranty_start__isnull=True)
                | models.Q(warranty_end__isnull=True)
                | models.Q(warranty_end__gte=models.F("warranty_start")),
                name="assets_server_warranty_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(enclosure=models.F("pk")),
                name="assets_server_not_own_enclosure",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="assets_server_org_status_idx"),
            models.Index(fields=["warranty_end"], name="assets_server_warranty_idx"),
            models.Index(fields=["hostname"], name="assets_server_hostname_idx"),
            models.Index(fields=["asset_tag"], name="assets_server_asset_tag_idx"),
            models.Index(fields=["serial"], name="assets_server_serial_idx"),
            # The analytics refresh looks for servers re-modelled since its last run.
            models.Index(fields=["updated_at"], name="assets_server_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.serial} ({self.hostname})" if self.hostname else self.serial

    def warranty_active(self, on: datetime.date | None = None) -> bool:
        day = on or timezone.localdate()
        return (
            self.warranty_end is not None
            and self.warranty_end >= day
            and (self.warranty_start is None or self.warranty_start <= day)
        )


class Component(models.Model):
    """A part inside a server. Replacing one sets ``removed_at`` and keeps the row as history."""

    server = models.ForeignKey(
        Server, verbose_name=_("server"), on_delete=models.CASCADE, related_name="components"
    )
    kind = models.CharField(_("type"), max_length=12, choices=ComponentKind.choices)
    part_number = models.CharField(_("part number (FRU)"), max_length=64, blank=True)
    serial = models.CharField(_("serial number"), max_length=64, blank=True)
    slot = models.CharField(_("slot"), max_length=40, blank=True)
    capacity = models.CharField(_("capacity"), max_length=40, blank=True)
    firmware = models.CharField(_("firmware version"), max_length=60, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    installed_at = models.DateTimeField(_("installed"), default=timezone.now)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removal_reason = models.CharField(_("removal reason"), max_length=300, blank=True)
    # The tickets app does not exist yet: a plain SR number until it can be a foreign key.
    service_request_ref = models.CharField(_("service request"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("component")
        verbose_name_plural = _("components")
        ordering = ["kind", "slot", "installed_at"]
        indexes = [
            models.Index(fields=["server", "removed_at"], name="assets_component_server_idx"),
            models.Index(fields=["serial"], name="assets_component_serial_idx"),
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        return f"{label} {self.slot} {self.part_number}".strip()

    @property
    def is_installed(self) -> bool:
        return self.removed_at is None


class ImportKind(models.TextChoices):
    SERVERS = "servers", _("Servers")
    COMPONENTS = "components", _("Components")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    VALIDATING = "validating", _("Checking rows")
    PREVIEW = "preview", _("Preview ready")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """A bulk import of a CSV/XLSX file: checked first (dry run), then applied, with progress."""

    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    file = models.FileField(_("file"), upload_to="imports/assets/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    skip_bad_rows = models.BooleanField(_("skip bad rows"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("processed"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    # [{"row": 7, "fields": {"serial": ["…"]}}] — capped so a broken 100k-row file stays small.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0 if self.status in (ImportStatus.PENDING, ImportStatus.VALIDATING) else 100
        return min(100, int(self.processed_rows * 100 / self.total_rows))

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.IMPORTING)

    def as_progress(self) -> dict[str, Any]:
        return {"status": self.status, "processed": self.processed_rows, "total": self.total_rows}
