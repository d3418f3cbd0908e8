"""Initial stock from a CSV or XLSX file: every row checked first, then all received at once.

Columns: ``part_number``, ``depot`` (depot code), ``quantity``, and optionally ``condition``
(new / refurbished), ``serials`` (separated by spaces, commas or semicolons; one per unit of a
serialised part) and ``unit_cost``. A file with any bad row changes nothing; the errors name the
row and the column.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.assets.importfile import read_table
from sasms.core.errors import ServiceError
from sasms.parts.access import require_clerk
from sasms.parts.choices import USABLE_CONDITIONS, Condition
from sasms.parts.models import Depot, Part
from sasms.parts.services.stock import receive_stock

MAX_ROWS = 10_000
MAX_BYTES = 10 * 1024 * 1024
COLUMN_ALIASES = {"depot_code": "depot", "qty": "quantity", "serial": "serials", "serial_numbers": "serials"}


@dataclass
class ImportResult:
    rows: int = 0
    units: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def _row_errors(
    row: dict[str, str], parts: dict[str, Part], depots: dict[str, Depot]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    part = parts.get(row.get("part_number", "").strip().upper())
    if part is None:
        errors["part_number"] = [_("Unknown part number.")]
    depot = depots.get(row.get("depot", "").strip().lower())
    if depot is None:
        errors["depot"] = [_("Unknown depot code.")]
    try:
        quantity = int(row.get("quantity", "").strip())
        if quantity < 1:
            raise ValueError
    except ValueError:
        errors["quantity"] = [_("Enter a whole number of at least 1.")]
        quantity = 0
    condition = (row.get("condition") or Condition.NEW).strip().lower()
    if condition not in USABLE_CONDITIONS:
        errors["condition"] = [_("Choose new or refurbished.")]
    cost = None
    if row.get("unit_cost", "").strip():
        try:
            cost = Decimal(row["unit_cost"].strip())
            if cost < 0:
                raise InvalidOperation
        except InvalidOperation:
            errors["unit_cost"] = [_("Enter an amount of 0 or more.")]
    serials = [s for s in re.split(r"[\s,;]+", row.get("serials", "")) if s]
    if (
        part is not None
        and quantity
        and ((part.serialised and len(serials) != quantity) or (not part.serialised and serials))
    ):
        errors["serials"] = [_("A serialised part needs one serial number per unit; others none.")]
    values.update(
        part=part, depot=depot, quantity=quantity, condition=condition, unit_cost=cost, serials=serials
    )
    return values, errors


@transaction.atomic
def import_stock(*, actor: User, handle: IO[bytes], filename: str) -> ImportResult:
    require_clerk(actor)
    if not filename.lower().endswith((".csv", ".xlsx")):
        raise ServiceError(
            _("Upload a .csv or .xlsx file."), fields={"file": [_("Upload a .csv or .xlsx file.")]}
        )
    rows = [{COLUMN_ALIASES.get(k, k): v for k, v in row.items()} for row in read_table(handle, filename)]
    if not rows:
        raise ServiceError(_("The file has no rows."), fields={"file": [_("The file has no rows.")]})
    if len(rows) > MAX_ROWS:
        message = _("At most %(limit)d rows per file.") % {"limit": MAX_ROWS}
        raise ServiceError(message, fields={"file": [message]})
    numbers = {r.get("part_number", "").strip().upper() for r in rows}
    parts = {p.part_number.upper(): p for p in Part.objects.filter(part_number__in=numbers)}
    depots = {d.code.lower(): d for d in Depot.objects.all()}
    result = ImportResult(rows=len(rows))
    checked = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        values, errors = _row_errors(row, parts, depots)
        if errors:
            result.errors.append({"row": number, "fields": errors})
        checked.append(values)
    if result.errors:
        lines = [
            f"{_('Row')} {e['row']}: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in e["fields"].items())
            for e in result.errors[:50]
        ]
        raise ServiceError(_("The file has errors; nothing was imported."), fields={"file": lines})
    for values in checked:
        receive_stock(
            actor=actor,
            part=values["part"],
            depot=values["depot"],
            quantity=values["quantity"],
            condition=values["condition"],
            serials=values["serials"],
            unit_cost=values["unit_cost"],
            reference=_("Stock import %(file)s") % {"file": filename[:200]},
        )
        result.units += values["quantity"]
    return result
