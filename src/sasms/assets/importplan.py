"""Turning imported rows into unsaved Server/Component rows, with per-row field errors.

Look-ups are batched per chunk of rows (one query for the existing servers of a chunk, not one
per row), so a 100 000-row file costs a few hundred queries.
"""

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import Organisation
from sasms.assets.importfile import parse_date
from sasms.assets.models import (
    Component,
    ComponentKind,
    ImportKind,
    Server,
    ServerModel,
    ServerStatus,
    Site,
    Vendor,
)
from sasms.assets.services import COMPONENT_FIELDS, SERVER_FIELDS, check_server
from sasms.core.audit import changed_fields, snapshot

SERVER_TEXT = ("asset_tag", "hostname", "rack", "bmc_address", "operating_system", "notes")
SERVER_DATES = ("installation_date", "warranty_start", "warranty_end")
COMPONENT_TEXT = ("slot", "part_number", "serial", "capacity", "firmware", "description")
UPDATE_FIELDS: dict[str, list[str]] = {
    ImportKind.SERVERS: [f for f in SERVER_FIELDS if f not in ("vendor", "serial")] + ["updated_at"],
    ImportKind.COMPONENTS: [f for f in COMPONENT_FIELDS if f not in ("installed_at", "removed_at")],
}


@dataclass
class RowPlan:
    instance: Any
    errors: dict[str, list[str]] = field(default_factory=dict)
    changes: dict[str, list[Any]] = field(default_factory=dict)
    organisation_id: int | None = None


def _choice(value: str, choices: list[tuple[str, Any]]) -> str | None:
    """Accept a stored value or its label (in either language), case-insensitively."""
    wanted = value.strip().lower().replace(" ", "_")
    for stored, label in choices:
        if wanted in (stored, str(label).lower().replace(" ", "_")):
            return stored
    return None


def _validate(instance: Model, exclude: list[str], errors: dict[str, list[str]]) -> None:
    try:
        # Foreign keys were resolved from the caches already: excluding them saves a query each.
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)


class ServerPlanner:
    def __init__(self) -> None:
        self.vendors: dict[str, Vendor] = {}
        for vendor in Vendor.objects.all():
            self.vendors[vendor.name.lower()] = vendor
            self.vendors[vendor.code.lower()] = vendor
        self.models = {(m.vendor_id, m.name.lower()): m for m in ServerModel.objects.all()}
        self.organisations: dict[str, Organisation] = {}
        for organisation in Organisation.objects.all():
            self.organisations[organisation.code.lower()] = organisation
            self.organisations[organisation.name.lower()] = organisation
        self.sites = {(s.organisation_id, s.name.lower()): s for s in Site.objects.all()}
        self.seen: set[tuple[int, str]] = set()

    def plan(self, rows: list[dict[str, str]], first_row: int) -> Iterable[RowPlan]:
        keys = [
            (vendor.pk, row.get("serial", "").strip())
            for row in rows
            if (vendor := self.vendors.get(row.get("vendor", "").strip().lower())) is not None
        ]
        existing: dict[tuple[int, str], Server] = {}
        if keys:
            query = Server.objects.filter(
                vendor_id__in={k[0] for k in keys}, serial__in={k[1] for k in keys if k[1]}
            )
            existing = {(s.vendor_id, s.serial): s for s in query}
        for row in rows:
            yield self._plan_row(row, existing)

    def _plan_row(self, row: dict[str, str], existing: dict[tuple[int, str], Server]) -> RowPlan:
        errors: dict[str, list[str]] = {}
        vendor = self.vendors.get(row.get("vendor", "").strip().lower())
        serial = row.get("serial", "").strip()
        if vendor is None:
            errors["vendor"] = [_("Unknown vendor “%s”.") % row.get("vendor", "")]
        if not serial:
            errors["serial"] = [_("The serial number is required.")]
        if errors:
            return RowPlan(instance=Server(), errors=errors)
        assert vendor is not None
        key = (vendor.pk, serial)
        if key in self.seen:
            return RowPlan(
                instance=Server(), errors={"serial": [_("This serial appears twice in the file.")]}
            )
        self.seen.add(key)
        current = existing.get(key)
        server = copy.copy(current) if current is not None else Server(vendor=vendor, serial=serial)
        before = snapshot(server, SERVER_FIELDS) if current is not None else {}
        # Blank cells leave an existing server's value alone: partial exports update what they hold.
        model_name = row.get("model", "").strip()
        if model_name:
            model = self.models.get((vendor.pk, model_name.lower()))
            if model is None:
                errors["model"] = [
                    _("Unknown model “%(model)s” for %(vendor)s.")
                    % {"model": model_name, "vendor": vendor.name}
                ]
            else:
                server.model = model
        elif current is None:
            errors["model"] = [_("The model is required.")]
        org_name = row.get("organisation", "").strip()
        if org_name:
            organisation = self.organisations.get(org_name.lower())
            if organisation is None:
                errors["organisation"] = [_("Unknown organisation “%s”.") % org_name]
            else:
                server.organisation = organisation
        elif current is None:
            errors["organisation"] = [_("The owner organisation is required.")]
        site_name = row.get("site", "").strip()
        if site_name and "organisation" not in errors and server.organisation_id is not None:
            site = self.sites.get((server.organisation_id, site_name.lower()))
            if site is None:
                errors["site"] = [_("Unknown site “%s” for this organisation.") % site_name]
            else:
                server.site = site
        for name in SERVER_TEXT:
            if row.get(name):
                setattr(server, name, row[name].strip())
        for name in SERVER_DATES:
            if row.get(name):
                try:
                    setattr(server, name, parse_date(row[name]))
                except ValueError:
                    errors[name] = [_("Not a date (use YYYY-MM-DD): %s") % row[name]]
        if row.get("rack_unit"):
            try:
                server.rack_unit = int(row["rack_unit"])
            except ValueError:
                errors["rack_unit"] = [_("Not a whole number: %s") % row["rack_unit"]]
        if row.get("status"):
            status = _choice(row["status"], ServerStatus.choices)
            if status is None:
                errors["status"] = [_("Unknown status “%s”.") % row["status"]]
            else:
                server.status = status
        if not errors:
            _validate(server, ["vendor", "model", "organisation", "site"], errors)
            for name, messages in check_server(server).items():
                errors.setdefault(name, []).extend(messages)
        if errors:
            return RowPlan(instance=server, errors=errors)
        changes = changed_fields(before, snapshot(server, SERVER_FIELDS))
        if current is not None and changes:
            server.updated_at = timezone.now()
        return RowPlan(instance=server, changes=changes, organisation_id=server.organisation_id)


class ComponentPlanner:
    def __init__(self) -> None:
        self.vendors: dict[str, Vendor] = {}
        for vendor in Vendor.objects.all():
            self.vendors[vendor.name.lower()] = vendor
            self.vendors[vendor.code.lower()] = vendor
        self.seen: set[tuple[int, str]] = set()

    def plan(self, rows: list[dict[str, str]], first_row: int) -> Iterable[RowPlan]:
        serials = {row.get("server_serial", "").strip() for row in rows} - {""}
        servers = {
            (s.vendor_id, s.serial): s
            for s in Server.objects.filter(serial__in=serials).select_related("organisation")
        }
        installed: dict[int, list[Component]] = {}
        for component in Component.objects.filter(
            server_id__in=[s.pk for s in servers.values()], removed_at__isnull=True
        ):
            installed.setdefault(component.server_id, []).append(component)
        for row in rows:
            yield self._plan_row(row, servers, installed)

    def _plan_row(
        self,
        row: dict[str, str],
        servers: dict[tuple[int, str], Server],
        installed: dict[int, list[Component]],
    ) -> RowPlan:
        errors: dict[str, list[str]] = {}
        vendor = self.vendors.get(row.get("vendor", "").strip().lower())
        server_serial = row.get("server_serial", "").strip()
        server = servers.get((vendor.pk, server_serial)) if vendor is not None else None
        if vendor is None:
            errors["vendor"] = [_("Unknown vendor “%s”.") % row.get("vendor", "")]
        elif server is None:
            errors["server_serial"] = [_("No server with serial “%s” for this vendor.") % server_serial]
        kind = _choice(row.get("kind", ""), ComponentKind.choices)
        if kind is None:
            errors["kind"] = [_("Unknown component type “%s”.") % row.get("kind", "")]
        if errors:
            return RowPlan(instance=Component(), errors=errors)
        assert server is not None
        assert kind is not None
        serial = row.get("serial", "").strip()
        slot = row.get("slot", "").strip()
        # A part is the same part when its serial matches, or (no serial) its type and slot do.
        identity = f"s:{serial}" if serial else f"k:{kind}:{slot}"
        if (server.pk, identity) in self.seen:
            return RowPlan(
                instance=Component(), errors={"serial": [_("This part appears twice in the file.")]}
            )
        self.seen.add((server.pk, identity))
        current = next(
            (
                c
                for c in installed.get(server.pk, [])
                if (serial and c.serial == serial) or (not serial and c.kind == kind and c.slot == slot)
            ),
            None,
        )
        component = copy.copy(current) if current is not None else Component(server=server, kind=kind)
        before = snapshot(component, COMPONENT_FIELDS) if current is not None else {}
        component.kind = kind
        for name in COMPONENT_TEXT:
            if row.get(name):
                setattr(component, name, row[name].strip())
        _validate(component, ["server"], errors)
        if errors:
            return RowPlan(instance=component, errors=errors)
        changes = changed_fields(before, snapshot(component, COMPONENT_FIELDS))
        return RowPlan(instance=component, changes=changes, organisation_id=server.organisation_id)


def planner_for(kind: str) -> ServerPlanner | ComponentPlanner:
    return ServerPlanner() if kind == ImportKind.SERVERS else ComponentPlanner()
