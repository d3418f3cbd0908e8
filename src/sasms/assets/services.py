"""Writes for the asset register: vendors, server models, sites, servers and components.

Every function is one use case in one transaction; it checks ``MANAGE_ASSETS`` itself, validates
the whole input before writing anything and leaves an audit entry. Pages, the API, the importer
and the demo call these (the demo and importer may bulk-write for speed, see ``imports``).
"""

import datetime
import decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Capability
from sasms.assets.models import AssetKind, Component, FormFactor, Server, ServerModel, Site, SiteKind, Vendor
from sasms.core.audit import changed_fields, record_audit, snapshot
from sasms.core.errors import Conflict, ServiceError
from sasms.core.permissions import require
from sasms.core.writes import TIME_ZONES, apply_changes, full_clean_or_refuse, save_or_conflict

VENDOR_FIELDS = ("name", "code", "website", "support_phone")
SERVER_MODEL_FIELDS = ("vendor", "name", "generation", "form_factor", "release_date", "eol_date", "eosl_date")
SITE_FIELDS = (
    "organisation",
    "parent",
    "kind",
    "name",
    "address",
    "city",
    "latitude",
    "longitude",
    "time_zone",
    "access_notes",
)
SERVER_FIELDS = (
    "vendor",
    "model",
    "serial",
    "asset_tag",
    "hostname",
    "organisation",
    "site",
    "rack",
    "rack_unit",
    "bmc_address",
    "operating_system",
    "business_role",
    "status",
    "installation_date",
    "warranty_start",
    "warranty_end",
    "notes",
    "kind",
    "enclosure",
)
COMPONENT_FIELDS = (
    "kind",
    "part_number",
    "serial",
    "slot",
    "capacity",
    "firmware",
    "description",
    "installed_at",
    "removed_at",
    "removal_reason",
    "service_request_ref",
)


# --- Vendors and server models --------------------------------------------------------------------


@transaction.atomic
def create_vendor(*, actor: User | None, name: str, code: str, **details: Any) -> Vendor:
    if actor is not None:
        require(actor, Capability.MANAGE_ASSETS)
    vendor = Vendor()
    apply_changes(vendor, VENDOR_FIELDS, {"name": name, "code": code, **details})
    full_clean_or_refuse(vendor)
    save_or_conflict(vendor, _("A vendor with this name or code already exists."), "name")
    record_audit(
        actor=actor,
        action="vendor.create",
        target=vendor,
        changes=changed_fields({}, snapshot(vendor, VENDOR_FIELDS)),
    )
    return vendor


@transaction.atomic
def update_vendor(*, actor: User, vendor: Vendor, **changes: Any) -> Vendor:
    require(actor, Capability.MANAGE_ASSETS)
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
    diff = apply_changes(vendor, VENDOR_FIELDS, changes)
    if not diff:
        return vendor
    full_clean_or_refuse(vendor)
    save_or_conflict(vendor, _("A vendor with this name or code already exists."), "name")
    record_audit(actor=actor, action="vendor.update", target=vendor, changes=diff)
    return vendor


def _check_model_dates(model: ServerModel) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if model.release_date and model.eol_date and model.eol_date < model.release_date:
        errors["eol_date"] = [_("End of life cannot be before the release date.")]
    if model.eol_date and model.eosl_date and model.eosl_date < model.eol_date:
        errors["eosl_date"] = [_("End of service life cannot be before end of life.")]
    return errors


@transaction.atomic
def create_server_model(*, actor: User | None, vendor: Vendor, name: str, **details: Any) -> ServerModel:
    if actor is not None:
        require(actor, Capability.MANAGE_ASSETS)
    model = ServerModel()
    apply_changes(model, SERVER_MODEL_FIELDS, {"vendor": vendor, "name": name, **details})
    full_clean_or_refuse(model, _check_model_dates(model))
    save_or_conflict(model, _("This vendor already has a model with this name."), "name")
    record_audit(
        actor=actor,
        action="server_model.create",
        target=model,
        changes=changed_fields({}, snapshot(model, SERVER_MODEL_FIELDS)),
    )
    return model


@transaction.atomic
def update_server_model(*, actor: User, server_model: ServerModel, **changes: Any) -> ServerModel:
    require(actor, Capability.MANAGE_ASSETS)
    model = ServerModel.objects.select_for_update().get(pk=server_model.pk)
    if "vendor" in changes and changes["vendor"].pk != model.vendor_id and model.servers.exists():
        message = _("The vendor of a model with servers cannot change.")
        raise ServiceError(message, fields={"vendor": [message]})
    diff = apply_changes(model, SERVER_MODEL_FIELDS, changes)
    if not diff:
        return model
    full_clean_or_refuse(model, _check_model_dates(model))
    save_or_conflict(model, _("This vendor already has a model with this name."), "name")
    record_audit(actor=actor, action="server_model.update", target=model, changes=diff)
    return model


# --- Sites -----------------------------------------------------------------------------------------


def _check_site(site: Site) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if site.time_zone not in TIME_ZONES:
        errors["time_zone"] = [_("Unknown time zone: %s") % site.time_zone]
    if site.latitude is not None and not -90 <= decimal.Decimal(site.latitude) <= 90:
        errors["latitude"] = [_("Latitude must be between -90 and 90.")]
    if site.longitude is not None and not -180 <= decimal.Decimal(site.longitude) <= 180:
        errors["longitude"] = [_("Longitude must be between -180 and 180.")]
    if site.parent is not None:
        if site.parent.organisation_id != site.organisation_id:
            errors["parent"] = [_("The data centre must belong to the same organisation.")]
        elif site.parent.kind != SiteKind.DATA_CENTRE or (site.pk and site.parent.pk == site.pk):
            errors["parent"] = [_("Choose a data centre.")]
    if site.kind == SiteKind.ROOM and site.parent is None:
        errors["parent"] = [_("A room belongs to a data centre.")]
    return errors


@transaction.atomic
def create_site(*, actor: User | None, organisation: Organisation, name: str, **details: Any) -> Site:
    if actor is not None:
        require(actor, Capability.MANAGE_ASSETS)
    site = Site()
    apply_changes(site, SITE_FIELDS, {"organisation": organisation, "name": name, **details})
    full_clean_or_refuse(site, _check_site(site))
    save_or_conflict(site, _("This organisation already has a site with this name."), "name")
    record_audit(
        actor=actor,
        action="site.create",
        target=site,
        changes=changed_fields({}, snapshot(site, SITE_FIELDS)),
        organisation=organisation,
    )
    return site


@transaction.atomic
def update_site(*, actor: User, site: Site, **changes: Any) -> Site:
    require(actor, Capability.MANAGE_ASSETS)
    site = Site.objects.select_for_update().get(pk=site.pk)
    moving = "organisation" in changes and changes["organisation"].pk != site.organisation_id
    if moving and (site.servers.exists() or site.rooms.exists()):
        message = _("A site with servers or rooms cannot move to another organisation.")
        raise ServiceError(message, fields={"organisation": [message]})
    diff = apply_changes(site, SITE_FIELDS, changes)
    if not diff:
        return site
    full_clean_or_refuse(site, _check_site(site))
    save_or_conflict(site, _("This organisation already has a site with this name."), "name")
    record_audit(actor=actor, action="site.update", target=site, changes=diff, organisation=site.organisation)
    return site


# --- Servers ---------------------------------------------------------------------------------------


def check_server(server: Server) -> dict[str, list[str]]:
    """Cross-field rules of a server row, shared with the importer."""
    errors: dict[str, list[str]] = {}
    if server.site is not None and server.site.organisation_id != server.organisation_id:
        errors["site"] = [_("The site must belong to the owner organisation.")]
    if server.warranty_start and server.warranty_end and server.warranty_end < server.warranty_start:
        errors["warranty_end"] = [_("The warranty cannot end before it starts.")]
    if server.rack_unit is not None and not 1 <= server.rack_unit <= 60:
        errors["rack_unit"] = [_("The U position must be between 1 and 60.")]
    enclosure = server.enclosure if server.enclosure_id else None
    if enclosure is not None:
        if server.pk is not None and enclosure.pk == server.pk:
            errors["enclosure"] = [_("An asset cannot be its own enclosure.")]
        elif enclosure.kind != AssetKind.ENCLOSURE:
            errors["enclosure"] = [_("Choose an asset of the kind enclosure.")]
        elif enclosure.organisation_id != server.organisation_id:
            errors["enclosure"] = [_("The enclosure must belong to the owner organisation.")]
    if server.kind == AssetKind.ENCLOSURE and enclosure is not None:
        errors["enclosure"] = [_("An enclosure is not held by another enclosure.")]
    return errors


@transaction.atomic
def create_server(
    *, actor: User | None, model: ServerModel, serial: str, organisation: Organisation, **details: Any
) -> Server:
    if actor is not None:
        require(actor, Capability.MANAGE_ASSETS)
    if "vendor" in details:
        raise ServiceError(_("Unknown fields."), fields={"vendor": [_("The vendor follows the model.")]})
    server = Server(vendor_id=model.vendor_id)
    apply_changes(
        server, SERVER_FIELDS, {"model": model, "serial": serial, "organisation": organisation, **details}
    )
    server.vendor_id = model.vendor_id  # the vendor always follows the model
    full_clean_or_refuse(server, check_server(server))
    save_or_conflict(server, _("A server with this serial number already exists for this vendor."), "serial")
    record_audit(
        actor=actor,
        action="server.create",
        target=server,
        changes=changed_fields({}, snapshot(server, SERVER_FIELDS)),
        organisation=organisation,
    )
    return server


@transaction.atomic
def update_server(*, actor: User, server: Server, **changes: Any) -> Server:
    require(actor, Capability.MANAGE_ASSETS)
    server = Server.objects.select_for_update().get(pk=server.pk)
    if "vendor" in changes:
        raise ServiceError(_("Unknown fields."), fields={"vendor": [_("The vendor follows the model.")]})
    before = snapshot(server, SERVER_FIELDS)
    apply_changes(server, SERVER_FIELDS, changes)
    server.vendor_id = server.model.vendor_id  # moving to another vendor's model moves the vendor too
    diff = changed_fields(before, snapshot(server, SERVER_FIELDS))
    if not diff:
        return server
    full_clean_or_refuse(server, check_server(server))
    server.updated_at = timezone.now()
    save_or_conflict(server, _("A server with this serial number already exists for this vendor."), "serial")
    record_audit(
        actor=actor, action="server.update", target=server, changes=diff, organisation=server.organisation
    )
    return server


# --- Components ------------------------------------------------------------------------------------


def _check_component(component: Component) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if component.removed_at is not None and component.removed_at < component.installed_at:
        errors["removed_at"] = [_("A component cannot be removed before it was installed.")]
    return errors


@transaction.atomic
def add_component(*, actor: User | None, server: Server, kind: str, **details: Any) -> Component:
    if actor is not None:
        require(actor, Capability.MANAGE_ASSETS)
    component = Component(server=server)
    apply_changes(component, COMPONENT_FIELDS, {"kind": kind, **details})
    full_clean_or_refuse(component, _check_component(component))
    component.save()
    record_audit(
        actor=actor,
        action="component.add",
        target=component,
        changes={"server": [None, server.pk], **changed_fields({}, snapshot(component, COMPONENT_FIELDS))},
        organisation=server.organisation,
    )
    return component


@transaction.atomic
def update_component(*, actor: User, component: Component, **changes: Any) -> Component:
    require(actor, Capability.MANAGE_ASSETS)
    component = Component.objects.select_for_update().select_related("server").get(pk=component.pk)
    diff = apply_changes(component, COMPONENT_FIELDS, changes)
    if not diff:
        return component
    full_clean_or_refuse(component, _check_component(component))
    component.save()
    record_audit(
        actor=actor,
        action="component.update",
        target=component,
        changes=diff,
        organisation=component.server.organisation,
    )
    return component


@transaction.atomic
def remove_component(
    *,
    actor: User,
    component: Component,
    reason: str,
    service_request_ref: str = "",
    at: datetime.datetime | None = None,
) -> Component:
    """Take a part out of service; the row stays as history."""
    require(actor, Capability.MANAGE_ASSETS)
    component = Component.objects.select_for_update().select_related("server").get(pk=component.pk)
    if component.removed_at is not None:
        message = _("This component has already been removed.")
        raise Conflict(message, fields={"removed_at": [message]})
    if not reason.strip():
        raise ServiceError(
            _("Please correct the errors below."), fields={"removal_reason": [_("Say why it was removed.")]}
        )
    diff = apply_changes(
        component,
        COMPONENT_FIELDS,
        {
            "removed_at": at or timezone.now(),
            "removal_reason": reason,
            "service_request_ref": service_request_ref or component.service_request_ref,
        },
    )
    full_clean_or_refuse(component, _check_component(component))
    component.save()
    record_audit(
        actor=actor,
        action="component.remove",
        target=component,
        changes=diff,
        organisation=component.server.organisation,
    )
    return component


@transaction.atomic
def replace_component(
    *,
    actor: User,
    component: Component,
    reason: str,
    service_request_ref: str = "",
    at: datetime.datetime | None = None,
    **replacement: Any,
) -> Component:
    """Remove a part and install its replacement in the same slot; both rows remain as history.

    ``replacement`` holds the new part's fields (serial, part number, firmware …); unset fields
    are taken over from the removed part.
    """
    moment = at or timezone.now()
    old = remove_component(
        actor=actor, component=component, reason=reason, service_request_ref=service_request_ref, at=moment
    )
    details = {
        name: getattr(old, name) for name in ("part_number", "slot", "capacity", "firmware", "description")
    }
    details.update(replacement)
    details.setdefault("service_request_ref", service_request_ref)
    details["installed_at"] = moment
    return add_component(actor=actor, server=old.server, kind=details.pop("kind", old.kind), **details)


# --- Enclosures --------------------------------------------------------------------------------------


@transaction.atomic
def register_enclosure(
    *,
    actor: User | None,
    organisation: Organisation,
    vendor: Vendor,
    serial: str,
    model_name: str,
    nodes: list[Server],
) -> Server:
    """The enclosure (blade or multi-node chassis) with this serial as an asset of its own, holding ``nodes``.

    Found by vendor and serial number; a server row with that serial (a chassis manager registered
    as a server before enclosures existed) becomes the enclosure. Its model is the vendor's model
    of that name, added as a multi-node model when the register does not know it yet. Only
    ``nodes`` of the same organisation are placed in it; an enclosure of another organisation with
    this serial is refused (the BMC is not that customer's).
    """
    existing = Server.objects.select_for_update().filter(vendor=vendor, serial__iexact=serial.strip()).first()
    if existing is not None and existing.organisation_id != organisation.pk:
        message = _("An asset with this serial number belongs to another organisation.")
        raise Conflict(message, fields={"serial": [message]})
    if existing is None:
        name = model_name.strip()[:120] or "Enclosure"  # a model name: not translated
        model = ServerModel.objects.filter(vendor=vendor, name__iexact=name).first()
        if model is None:
            model = create_server_model(
                actor=actor, vendor=vendor, name=name, form_factor=FormFactor.MULTI_NODE
            )
        enclosure = create_server(
            actor=actor,
            model=model,
            serial=serial.strip()[:64],
            organisation=organisation,
            kind=AssetKind.ENCLOSURE,
        )
    elif existing.kind != AssetKind.ENCLOSURE or existing.enclosure_id is not None:
        enclosure = _update_as(actor, existing, kind=AssetKind.ENCLOSURE, enclosure=None)
    else:
        enclosure = existing
    for node in nodes:
        movable = node.organisation_id == organisation.pk and node.kind == AssetKind.SERVER
        if movable and node.pk != enclosure.pk and node.enclosure_id != enclosure.pk:
            _update_as(actor, node, enclosure=enclosure)
    return enclosure


def _update_as(actor: User | None, server: Server, **changes: Any) -> Server:
    # The intake robot and the importer act as users; a system caller (None) is trusted.
    if actor is not None:
        return update_server(actor=actor, server=server, **changes)
    server = Server.objects.select_for_update().get(pk=server.pk)
    before = snapshot(server, SERVER_FIELDS)
    apply_changes(server, SERVER_FIELDS, changes)
    full_clean_or_refuse(server, check_server(server))
    server.updated_at = timezone.now()
    server.save()
    record_audit(
        actor=None,
        action="server.update",
        target=server,
        changes=changed_fields(before, snapshot(server, SERVER_FIELDS)),
        organisation=server.organisation,
    )
    return server
