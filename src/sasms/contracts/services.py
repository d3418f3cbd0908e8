"""Writes for contracts: the product catalogue, contracts, covered servers, status changes, documents.

Every function is one use case in one transaction; it checks the actor's permission itself,
validates the whole input before writing and leaves an audit entry. Pages, the API, the renewal
sweep and the demo call these. Renewal reminders live in ``sasms.contracts.reminders``.
"""

import datetime
import os
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import Organisation, OrganisationKind, User
from sasms.accounts.roles import Capability
from sasms.assets.models import Server, ServerStatus
from sasms.contracts.models import (
    ALLOWED_TRANSITIONS,
    Contract,
    ContractDocument,
    ContractStatus,
    CoveredServer,
    Priority,
    ServiceProduct,
    ServiceTarget,
)
from sasms.contracts.reminders import organisation_zone
from sasms.core.audit import changed_fields, record_audit, snapshot
from sasms.core.errors import ServiceError
from sasms.core.permissions import require
from sasms.core.uploads import OLE2, content_type_of, reencode_image
from sasms.core.writes import apply_changes, full_clean_or_refuse, save_or_conflict

PRODUCT_FIELDS = (
    "code",
    "name",
    "description",
    "tier",
    "coverage_hours",
    "time_and_materials",
    "parts_quality",
    "pm_visits_per_year",
    "loaner_included",
    "penalty_kind",
    "penalty_value",
    "pause_when_waiting_customer",
    "is_active",
)
TARGET_FIELDS = (
    "response_minutes",
    "dispatch_minutes",
    "update_minutes",
    "onsite_minutes",
    "resolution_minutes",
)
# One year of wall-clock minutes: longer than any service target, and far inside both the column's
# integer range and the date arithmetic that turns a target into a due time.
MAX_TARGET_MINUTES = 366 * 24 * 60
CONTRACT_FIELDS = (
    "number",
    "organisation",
    "product",
    "start_date",
    "end_date",
    "covers_eosl",
    "monthly_fee",
    "notes",
)
# Documents: office formats, PDFs and scans; anything else (executables, archives) is refused.
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
ZIP = "application/zip"
MSWORD = "application/msword"
MSEXCEL = "application/vnd.ms-excel"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
# Per extension: the type stored and served, and the types its first bytes may show. Office files
# are ZIP or OLE2 containers that not every writer marks the way the sniffer recognises, so the bare
# container counts too; a renamed program or script is refused whatever it is called.
DOCUMENT_TYPES: dict[str, tuple[str, frozenset[str]]] = {
    ".pdf": ("application/pdf", frozenset({"application/pdf"})),
    ".doc": (MSWORD, frozenset({MSWORD, MSEXCEL, OLE2})),
    ".xls": (MSEXCEL, frozenset({MSWORD, MSEXCEL, OLE2})),
    ".docx": (DOCX, frozenset({DOCX, ZIP})),
    ".xlsx": (XLSX, frozenset({XLSX, ZIP})),
    ".odt": (ODT, frozenset({ODT, ZIP})),
    ".ods": (ODS, frozenset({ODS, ZIP})),
    ".txt": ("text/plain", frozenset({"text/plain"})),
    ".png": ("image/png", frozenset({"image/png"})),
    ".jpg": ("image/jpeg", frozenset({"image/jpeg"})),
    ".jpeg": ("image/jpeg", frozenset({"image/jpeg"})),
}
DOCUMENT_EXTENSIONS = frozenset(DOCUMENT_TYPES)


def local_today(organisation: Organisation) -> datetime.date:
    """Today in the customer's time zone: contract dates are the customer's calendar days."""
    return timezone.now().astimezone(organisation_zone(organisation)).date()


# --- Products ------------------------------------------------------------------------------------


def _set_targets(product: ServiceProduct, targets: dict[str, dict[str, int | None]]) -> dict[str, Any]:
    """Replace the given priorities' targets; returns the audit diff keyed ``P1.response_minutes``."""
    errors: dict[str, list[str]] = {}
    for priority, values in targets.items():
        if priority not in Priority.values:
            errors[f"targets.{priority}"] = [_("Unknown priority.")]
            continue
        for name, value in values.items():
            if name not in TARGET_FIELDS:
                errors[f"targets.{priority}.{name}"] = [_("Unknown field.")]
            elif value is not None and (not isinstance(value, int) or value <= 0):
                errors[f"targets.{priority}.{name}"] = [_("Enter a whole number of minutes above 0.")]
            elif value is not None and value > MAX_TARGET_MINUTES:
                errors[f"targets.{priority}.{name}"] = [
                    _("A target may be at most %(max)d minutes (one year).") % {"max": MAX_TARGET_MINUTES}
                ]
    if errors:
        raise ServiceError(_("Please correct the errors below."), fields=errors)
    diff: dict[str, Any] = {}
    existing = {t.priority: t for t in ServiceTarget.objects.filter(product=product)}
    for priority, values in targets.items():
        target = existing.get(priority) or ServiceTarget(product=product, priority=priority)
        for name, pair in apply_changes(target, TARGET_FIELDS, values).items():
            diff[f"{priority}.{name}"] = pair
        target.save()
    return diff


@transaction.atomic
def create_product(
    *,
    actor: User | None,
    code: str,
    name: str,
    targets: dict[str, dict[str, int | None]] | None = None,
    **details: Any,
) -> ServiceProduct:
    if actor is not None:
        require(actor, Capability.MANAGE_SLA)
    product = ServiceProduct()
    apply_changes(product, PRODUCT_FIELDS, {"code": code, "name": name, **details})
    full_clean_or_refuse(product)
    save_or_conflict(product, _("A product with this code already exists."), "code")
    diff = changed_fields({}, snapshot(product, PRODUCT_FIELDS))
    diff.update(_set_targets(product, {p: {} for p in Priority.values} | (targets or {})))
    record_audit(actor=actor, action="service_product.create", target=product, changes=diff)
    return product


@transaction.atomic
def update_product(
    *,
    actor: User,
    product: ServiceProduct,
    targets: dict[str, dict[str, int | None]] | None = None,
    **changes: Any,
) -> ServiceProduct:
    require(actor, Capability.MANAGE_SLA)
    product = ServiceProduct.objects.select_for_update().get(pk=product.pk)
    diff = apply_changes(product, PRODUCT_FIELDS, changes)
    if diff:
        full_clean_or_refuse(product)
        save_or_conflict(product, _("A product with this code already exists."), "code")
    diff.update(_set_targets(product, targets or {}))
    if diff:
        record_audit(actor=actor, action="service_product.update", target=product, changes=diff)
    return product


# --- Contracts -----------------------------------------------------------------------------------


def _check_contract(contract: Contract) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if contract.start_date and contract.end_date and contract.end_date < contract.start_date:
        errors["end_date"] = [_("The contract cannot end before it starts.")]
    organisation = contract.organisation if contract.organisation_id else None
    if organisation is not None and organisation.kind != OrganisationKind.CUSTOMER:
        errors["organisation"] = [_("Choose a customer organisation.")]
    return errors


@transaction.atomic
def create_contract(
    *,
    actor: User | None,
    number: str,
    organisation: Organisation,
    product: ServiceProduct,
    start_date: datetime.date,
    end_date: datetime.date,
    **details: Any,
) -> Contract:
    """A new contract, always as a draft: activation is its own, checked step."""
    if actor is not None:
        require(actor, Capability.MANAGE_SLA)
    contract = Contract()
    values = {"number": number, "organisation": organisation, "product": product, **details}
    apply_changes(contract, CONTRACT_FIELDS, {**values, "start_date": start_date, "end_date": end_date})
    full_clean_or_refuse(contract, _check_contract(contract))
    save_or_conflict(contract, _("A contract with this number already exists."), "number")
    record_audit(
        actor=actor,
        action="contract.create",
        target=contract,
        changes=changed_fields({}, snapshot(contract, (*CONTRACT_FIELDS, "status"))),
        organisation=organisation,
    )
    return contract


def _locked(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().select_related("organisation", "product").get(pk=contract.pk)


@transaction.atomic
def update_contract(*, actor: User, contract: Contract, **changes: Any) -> Contract:
    require(actor, Capability.MANAGE_SLA)
    contract = _locked(contract)
    if contract.status == ContractStatus.TERMINATED:
        raise ServiceError(_("A terminated contract cannot be changed."), code="contract_closed")
    moving = "organisation" in changes and changes["organisation"].pk != contract.organisation_id
    if moving and (contract.status != ContractStatus.DRAFT or contract.coverage.exists()):
        message = _("Only a draft contract without covered servers can move to another customer.")
        raise ServiceError(message, fields={"organisation": [message]})
    diff = apply_changes(contract, CONTRACT_FIELDS, changes)
    if not diff:
        return contract
    # On an expired contract a later end date is how a renewal starts; activation follows.
    full_clean_or_refuse(contract, _check_contract(contract))
    contract.updated_at = timezone.now()
    save_or_conflict(contract, _("A contract with this number already exists."), "number")
    record_audit(
        actor=actor,
        action="contract.update",
        target=contract,
        changes=diff,
        organisation=contract.organisation,
    )
    return contract


def transition_refusal(contract: Contract, target: str, reason: str, today: datetime.date) -> str | None:
    """Why ``contract`` may not move to ``target`` now, or ``None`` when it may."""
    if target not in ContractStatus.values:
        return _("Unknown status.")
    if target == contract.status:
        return _("The contract is already %(status)s.") % {"status": ContractStatus(target).label}
    if target not in ALLOWED_TRANSITIONS[contract.status]:
        return _("A %(from)s contract cannot become %(to)s.") % {
            "from": ContractStatus(contract.status).label,
            "to": ContractStatus(target).label,
        }
    if target == ContractStatus.ACTIVE and contract.end_date < today:
        return _("The end date %(end)s has passed; set a later end date before activating.") % {
            "end": contract.end_date.isoformat()
        }
    if target == ContractStatus.EXPIRED and contract.end_date >= today:
        return _("The contract runs until %(end)s; it can only expire after that.") % {
            "end": contract.end_date.isoformat()
        }
    if target == ContractStatus.TERMINATED and not reason.strip():
        return _("Give a reason for terminating the contract.")
    return None


@transaction.atomic
def transition_contract(*, actor: User | None, contract: Contract, status: str, reason: str = "") -> Contract:
    """Move a contract along ``ALLOWED_TRANSITIONS``; a refusal names why and changes nothing."""
    if actor is not None:
        require(actor, Capability.MANAGE_SLA)
    contract = _locked(contract)
    refusal = transition_refusal(contract, status, reason, local_today(contract.organisation))
    if refusal is not None:
        raise ServiceError(refusal, code="invalid_transition", fields={"status": [refusal]})
    before = contract.status
    contract.status = status
    contract.status_reason = reason.strip()[:300]
    contract.updated_at = timezone.now()
    contract.save(update_fields=["status", "status_reason", "updated_at"])
    record_audit(
        actor=actor,
        action=f"contract.{status}",
        target=contract,
        changes={"status": [before, status], **({"reason": ["", contract.status_reason]} if reason else {})},
        organisation=contract.organisation,
    )
    return contract


# --- Covered servers -----------------------------------------------------------------------------


@transaction.atomic
def cover_servers(*, actor: User | None, contract: Contract, servers: Sequence[Server]) -> list[Server]:
    """Add servers to the contract; only the contract's customer's servers, all or nothing."""
    if actor is not None:
        require(actor, Capability.MANAGE_SLA)
    contract = _locked(contract)
    if contract.status in (ContractStatus.TERMINATED, ContractStatus.EXPIRED):
        raise ServiceError(
            _("Servers can only be added to a draft or active contract."),
            code="contract_closed",
            fields={"servers": [_("Servers can only be added to a draft or active contract.")]},
        )
    messages: list[str] = []
    for server in servers:
        if server.organisation_id != contract.organisation_id:
            messages.append(
                _("Server %(serial)s belongs to another customer, not to %(customer)s.")
                % {"serial": server.serial, "customer": contract.organisation.name}
            )
        elif server.status == ServerStatus.DECOMMISSIONED:
            messages.append(_("Server %(serial)s is decommissioned.") % {"serial": server.serial})
    if messages:
        raise ServiceError(messages[0], code="invalid_server", fields={"servers": messages})
    present = set(CoveredServer.objects.filter(contract=contract).values_list("server_id", flat=True))
    added = [s for s in dict.fromkeys(servers) if s.pk not in present]
    CoveredServer.objects.bulk_create(
        [CoveredServer(contract=contract, server=s) for s in added], ignore_conflicts=True
    )
    if added:
        record_audit(
            actor=actor,
            action="contract.cover_servers",
            target=contract,
            changes={"servers": [[], [s.serial for s in added]]},
            organisation=contract.organisation,
        )
    return added


@transaction.atomic
def uncover_servers(*, actor: User, contract: Contract, servers: Iterable[Server]) -> int:
    require(actor, Capability.MANAGE_SLA)
    contract = _locked(contract)
    wanted = {s.pk: s for s in servers}
    rows = CoveredServer.objects.filter(contract=contract, server_id__in=wanted)
    removed = [wanted[pk] for pk in rows.values_list("server_id", flat=True)]
    rows.delete()
    if removed:
        record_audit(
            actor=actor,
            action="contract.uncover_servers",
            target=contract,
            changes={"servers": [[s.serial for s in removed], []]},
            organisation=contract.organisation,
        )
    return len(removed)


# --- Documents -----------------------------------------------------------------------------------


@transaction.atomic
def attach_document(
    *, actor: User, contract: Contract, upload: UploadedFile[Any], description: str = ""
) -> ContractDocument:
    require(actor, Capability.MANAGE_SLA)
    name = os.path.basename(upload.name or "")[:200]
    extension = os.path.splitext(name)[1].lower()
    if extension not in DOCUMENT_EXTENSIONS:
        message = _("Allowed file types: %(types)s.") % {"types": ", ".join(sorted(DOCUMENT_EXTENSIONS))}
        raise ServiceError(message, fields={"file": [message]})
    if not upload.size or upload.size > DOCUMENT_MAX_BYTES:
        message = _("The file must be between 1 byte and %(mb)d MB.") % {"mb": DOCUMENT_MAX_BYTES // 2**20}
        raise ServiceError(message, fields={"file": [message]})
    upload.seek(0)
    data = upload.read(DOCUMENT_MAX_BYTES + 1)
    content_type, accepted = DOCUMENT_TYPES[extension]
    if content_type_of(data[:8192]) not in accepted:
        message = _("The file's content is not a %(type)s file.") % {"type": extension}
        raise ServiceError(message, code="unsupported_type", fields={"file": [message]})
    if content_type.startswith("image/"):
        data = reencode_image(data, content_type)  # no GPS or camera metadata kept
    document = ContractDocument(
        contract=contract,
        original_name=name,
        content_type=content_type,
        size=len(data),
        description=description.strip()[:200],
        uploaded_by=actor,
    )
    document.file.save(name, ContentFile(data), save=False)
    document.save()
    record_audit(
        actor=actor,
        action="contract.attach_document",
        target=contract,
        changes={"documents": [None, name]},
        organisation=contract.organisation,
    )
    return document


@transaction.atomic
def remove_document(*, actor: User, document: ContractDocument) -> None:
    require(actor, Capability.MANAGE_SLA)
    contract = document.contract
    record_audit(
        actor=actor,
        action="contract.remove_document",
        target=contract,
        changes={"documents": [document.original_name, None]},
        organisation=contract.organisation,
    )
    storage, name = document.file.storage, document.file.name
    document.delete()
    if name:
        # The file leaves only once the row's removal has committed.
        transaction.on_commit(lambda: storage.delete(name))
