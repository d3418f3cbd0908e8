"""Writing firmware advisories and baselines: one at a time from the page or the API, or a CSV/JSON file.

The same checks serve every path (:func:`check_advisory`), so a row of an import file is refused
for exactly the reasons the form would refuse it, named by field.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.assets.models import ServerModel, Vendor
from sasms.core.audit import record_audit
from sasms.core.errors import ServiceError
from sasms.core.permissions import require
from sasms.proactive.models import FirmwareAdvisory, FirmwareBaseline, FirmwareType, Severity
from sasms.proactive.versions import Incomparable, parse, parse_ranges

CVE = re.compile(r"^CVE-\d{4}-\d{4,7}$")
MAX_IMPORT_ROWS = 2000
MAX_IMPORT_BYTES = 2 * 1024 * 1024
IMPORT_FIELDS = (
    "reference",
    "title",
    "vendor",
    "models",
    "component_type",
    "component_name",
    "affected_versions",
    "fixed_version",
    "severity",
    "cve_ids",
    "bulletin_url",
    "published_on",
    "notes",
)
_LIMITS = {
    "reference": 60,
    "title": 200,
    "component_name": 80,
    "affected_versions": 300,
    "fixed_version": 60,
    "bulletin_url": 500,
    "notes": 4000,
}


@dataclass
class AdvisoryData:
    """Checked values of one advisory, ready to save."""

    reference: str
    title: str
    vendor: Vendor
    server_models: list[ServerModel]
    component_type: str
    component_name: str
    affected_versions: str
    fixed_version: str
    severity: str
    cve_ids: str
    bulletin_url: str
    published_on: datetime.date | None
    notes: str


def _text(value: Any) -> str:
    if value is None or isinstance(value, list | dict):
        return ""
    return " ".join(str(value).replace("\x00", "").split())


def split_cves(value: Any) -> list[str]:
    items = value if isinstance(value, list) else re.split(r"[\s,;]+", str(value or ""))
    return [str(item).strip().upper() for item in items if str(item).strip()]


def _vendor(value: Any, errors: dict[str, list[str]]) -> Vendor | None:
    if isinstance(value, Vendor):
        return value
    name = _text(value)
    if not name:
        errors["vendor"] = [_("This field is required.")]
        return None
    found = (
        Vendor.objects.annotate(l_name=Lower("name")).filter(l_name=name.lower()).first()
        or Vendor.objects.filter(code__iexact=name).first()
    )
    if found is None:
        errors["vendor"] = [_("No vendor “%(name)s”.") % {"name": name[:80]}]
    return found


def _models(value: Any, vendor: Vendor | None, errors: dict[str, list[str]]) -> list[ServerModel]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple) and all(isinstance(v, ServerModel) for v in value):
        models = list(value)
    else:
        names = value if isinstance(value, list) else re.split(r"[;|\n]+", str(value))
        names = [_text(n) for n in names if _text(n)]
        models, missing = [], []
        for name in names:
            match = (
                ServerModel.objects.annotate(l_name=Lower("name"))
                .filter(vendor=vendor, l_name=name.lower())
                .first()
                if vendor is not None
                else None
            )
            (models.append(match) if match is not None else missing.append(name))
        if missing:
            errors["models"] = [
                _("Unknown models of this vendor: %(names)s") % {"names": ", ".join(missing)[:200]}
            ]
    if vendor is not None and any(m.vendor_id != vendor.pk for m in models):
        errors["models"] = [_("Every model must be one of the vendor's.")]
    return models


def check_advisory(values: Mapping[str, Any]) -> tuple[AdvisoryData | None, dict[str, list[str]]]:
    """Check one advisory's values (from a form, the API or a file row): the data, or field errors."""
    errors: dict[str, list[str]] = {}
    text = {name: _text(values.get(name)) for name in _LIMITS}
    text["notes"] = str(values.get("notes") or "").replace("\x00", "").strip()
    for name, limit in _LIMITS.items():
        if len(text[name]) > limit:
            errors[name] = [_("At most %(limit)d characters.") % {"limit": limit}]
    for name in ("reference", "title", "fixed_version"):
        if not text[name]:
            errors.setdefault(name, [_("This field is required.")])
    vendor = _vendor(values.get("vendor"), errors)
    models = _models(values.get("models", values.get("server_models")), vendor, errors)
    component_type = _text(values.get("component_type")).lower()
    if component_type not in FirmwareType.values:
        errors["component_type"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(FirmwareType.values)}
        ]
    elif component_type == FirmwareType.OTHER and not text["component_name"]:
        errors["component_name"] = [_("Name the image when the type is “other”.")]
    severity = _text(values.get("severity")).lower() or Severity.HIGH
    if severity not in Severity.values:
        errors["severity"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Severity.values)}]
    if text["fixed_version"] and "fixed_version" not in errors:
        try:
            parse(text["fixed_version"])
        except Incomparable:
            errors["fixed_version"] = [
                _("“%(value)s” has no version number.") % {"value": text["fixed_version"]}
            ]
    if text["affected_versions"] and "affected_versions" not in errors:
        try:
            parse_ranges(text["affected_versions"])
        except Incomparable as exc:
            errors["affected_versions"] = [
                _("Not a version range (%(detail)s). Write e.g. “<2.52”, “>=2.40, <2.52” or “2.40 - 2.51”.")
                % {"detail": str(exc)[:80]}
            ]
    cves = split_cves(values.get("cve_ids"))
    bad = [c for c in cves if not CVE.match(c)]
    if bad:
        errors["cve_ids"] = [_("Not a CVE identifier: %(values)s") % {"values": ", ".join(bad)[:200]}]
    if text["bulletin_url"] and "bulletin_url" not in errors:
        try:
            URLValidator(schemes=["http", "https"])(text["bulletin_url"])
        except ValidationError:
            errors["bulletin_url"] = [_("Enter an http or https address.")]
    published = values.get("published_on")
    published_on: datetime.date | None = None
    if isinstance(published, datetime.date):
        published_on = published
    elif _text(published):
        try:
            published_on = datetime.date.fromisoformat(_text(published))
        except ValueError:
            errors["published_on"] = [_("Write the date as YYYY-MM-DD.")]
    if errors or vendor is None:
        return None, errors
    return (
        AdvisoryData(
            reference=text["reference"],
            title=text["title"],
            vendor=vendor,
            server_models=models,
            component_type=component_type,
            component_name=text["component_name"],
            affected_versions=text["affected_versions"],
            fixed_version=text["fixed_version"],
            severity=severity,
            cve_ids=",".join(dict.fromkeys(cves)),
            bulletin_url=text["bulletin_url"],
            published_on=published_on,
            notes=text["notes"],
        ),
        {},
    )


def _refuse(errors: dict[str, list[str]]) -> ServiceError:
    first = next(iter(errors.values()))[0]
    return ServiceError(first, fields=errors)


def _save(advisory: FirmwareAdvisory, data: AdvisoryData) -> FirmwareAdvisory:
    for name, value in data.__dict__.items():
        if name != "server_models":
            setattr(advisory, name, value)
    advisory.save()
    advisory.server_models.set(data.server_models)
    return advisory


@transaction.atomic
def save_advisory(
    *, actor: User, values: Mapping[str, Any], advisory: FirmwareAdvisory | None = None
) -> FirmwareAdvisory:
    """Create an advisory (or change ``advisory``); field errors name what is wrong, nothing is saved."""
    require(actor, Capability.MANAGE_ASSETS)
    data, errors = check_advisory(values)
    if data is not None:
        clash = FirmwareAdvisory.objects.filter(reference__iexact=data.reference)
        if advisory is not None:
            clash = clash.exclude(pk=advisory.pk)
        if clash.exists():
            errors = {"reference": [_("An advisory with this reference already exists.")]}
    if errors or data is None:
        raise _refuse(errors)
    created = advisory is None
    advisory = _save(advisory or FirmwareAdvisory(created_by=actor), data)
    record_audit(
        actor=actor,
        action="create" if created else "update",
        target=advisory,
        changes={"fixed_version": [None, advisory.fixed_version], "severity": [None, advisory.severity]},
    )
    return advisory


# --- Import ------------------------------------------------------------------------------------------


@dataclass
class ImportRow:
    number: int
    values: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)
    data: AdvisoryData | None = None
    exists: bool = False


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    problem: str = ""

    @property
    def good(self) -> list[ImportRow]:
        return [r for r in self.rows if r.data is not None]

    @property
    def bad(self) -> list[ImportRow]:
        return [r for r in self.rows if r.data is None]


def _records(content: bytes, name: str) -> list[dict[str, Any]]:
    if len(content) > MAX_IMPORT_BYTES:
        raise ServiceError(
            _("The file is larger than 2 MB."), fields={"file": [_("The file is larger than 2 MB.")]}
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError as exc:
            message = _("The file is not text (UTF-8 or GB18030).")
            raise ServiceError(message, fields={"file": [message]}) from exc
    stripped = text.lstrip()
    if name.lower().endswith(".json") or stripped.startswith(("[", "{")):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            message = _("The file is not valid JSON: %(detail)s") % {"detail": str(exc)[:120]}
            raise ServiceError(message, fields={"file": [message]}) from exc
        if isinstance(data, dict):
            data = data.get("advisories", [data])
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            message = _("JSON must be a list of advisories (objects).")
            raise ServiceError(message, fields={"file": [message]})
        return data
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [
        f for f in ("reference", "title", "vendor", "component_type", "fixed_version") if f not in header
    ]
    if missing:
        message = _("The CSV header lacks the columns: %(names)s") % {"names": ", ".join(missing)}
        raise ServiceError(message, fields={"file": [message]})
    return [{(k or "").strip().lower(): v for k, v in row.items()} for row in reader]


def preview_import(*, actor: User, content: bytes, name: str) -> ImportPreview:
    """Read a CSV or JSON file of advisories and check every row; nothing is written."""
    require(actor, Capability.MANAGE_ASSETS)
    records = _records(content, name)
    if len(records) > MAX_IMPORT_ROWS:
        message = _("At most %(count)d advisories per file.") % {"count": MAX_IMPORT_ROWS}
        raise ServiceError(message, fields={"file": [message]})
    if not records:
        message = _("The file holds no advisories.")
        raise ServiceError(message, fields={"file": [message]})
    rows: list[ImportRow] = []
    seen: set[str] = set()
    existing = {r.lower() for r in FirmwareAdvisory.objects.values_list("reference", flat=True)}
    for number, record in enumerate(records, start=1):
        values = {key: record.get(key) for key in IMPORT_FIELDS}
        data, errors = check_advisory(values)
        row = ImportRow(
            number=number, values={k: _text(v) for k, v in values.items()}, errors=errors, data=data
        )
        if data is not None:
            key = data.reference.lower()
            if key in seen:
                row.errors, row.data = (
                    {"reference": [_("The same reference appears earlier in the file.")]},
                    None,
                )
            seen.add(key)
            row.exists = key in existing
        rows.append(row)
    return ImportPreview(rows=rows)


@dataclass
class ImportOutcome:
    created: int
    updated: int
    skipped: int


@transaction.atomic
def apply_import(*, actor: User, content: bytes, name: str) -> ImportOutcome:
    """Save the good rows of the file (checked again now); an existing reference is updated."""
    preview = preview_import(actor=actor, content=content, name=name)
    created = updated = 0
    for row in preview.good:
        assert row.data is not None
        advisory = FirmwareAdvisory.objects.filter(reference__iexact=row.data.reference).first()
        if advisory is None:
            advisory = FirmwareAdvisory(created_by=actor)
            created += 1
        else:
            updated += 1
        _save(advisory, row.data)
        record_audit(actor=actor, action="import", target=advisory)
    return ImportOutcome(created=created, updated=updated, skipped=len(preview.bad))


# --- Baselines ---------------------------------------------------------------------------------------


@transaction.atomic
def save_baseline(
    *,
    actor: User,
    model: ServerModel,
    component_type: str,
    recommended_version: str,
    component_name: str = "",
    notes: str = "",
    baseline: FirmwareBaseline | None = None,
) -> FirmwareBaseline:
    """The recommended version of one image of one model (the health check compares against it)."""
    require(actor, Capability.MANAGE_ASSETS)
    errors: dict[str, list[str]] = {}
    if component_type not in FirmwareType.values:
        errors["component_type"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(FirmwareType.values)}
        ]
    version = _text(recommended_version)
    if not version:
        errors["recommended_version"] = [_("This field is required.")]
    elif len(version) > 60:
        errors["recommended_version"] = [_("At most %(limit)d characters.") % {"limit": 60}]
    else:
        try:
            parse(version)
        except Incomparable:
            errors["recommended_version"] = [_("“%(value)s” has no version number.") % {"value": version}]
    name = _text(component_name)[:80]
    clash = FirmwareBaseline.objects.filter(model=model, component_type=component_type, component_name=name)
    if baseline is not None:
        clash = clash.exclude(pk=baseline.pk)
    if not errors and clash.exists():
        errors["component_type"] = [_("This model already has a baseline for this image.")]
    if errors:
        raise _refuse(errors)
    baseline = baseline or FirmwareBaseline(model=model)
    baseline.component_type, baseline.component_name = component_type, name
    baseline.recommended_version, baseline.notes = version, _text(notes)[:300]
    baseline.save()
    record_audit(actor=actor, action="save", target=baseline)
    return baseline


def advisory_values(advisory: FirmwareAdvisory) -> dict[str, Any]:
    """An advisory as the values :func:`check_advisory` takes (for forms and the API)."""
    return {
        **{name: getattr(advisory, name) for name in IMPORT_FIELDS if name not in ("vendor", "models")},
        "vendor": advisory.vendor,
        "models": list(advisory.server_models.all()),
    }


def names(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values)
