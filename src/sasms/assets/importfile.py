"""Reading CSV and XLSX files into rows of text, with column names normalised."""

import csv
import datetime
import io
import re
from collections.abc import Iterable
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from sasms.core.errors import ServiceError

# Column names a CMDB export commonly uses, mapped onto ours.
ALIASES = {
    "serial_number": "serial",
    "sn": "serial",
    "asset": "asset_tag",
    "host": "hostname",
    "host_name": "hostname",
    "customer": "organisation",
    "owner": "organisation",
    "organization": "organisation",
    "organisation_code": "organisation",
    "u": "rack_unit",
    "u_position": "rack_unit",
    "bmc": "bmc_address",
    "ipmi": "bmc_address",
    "os": "operating_system",
    "server_model": "model",
    "model_name": "model",
    "manufacturer": "vendor",
    "type": "kind",
    "component_type": "kind",
    "fru": "part_number",
    "part": "part_number",
    "fw": "firmware",
    "firmware_version": "firmware",
    "server": "server_serial",
    "install_date": "installation_date",
}


def normalise_header(name: Any) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", str(name or "").strip().lower()).strip("_")
    return ALIASES.get(key, key)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(header: list[Any], body: Iterable[Iterable[Any]]) -> list[dict[str, str]]:
    names = [normalise_header(h) for h in header]
    rows: list[dict[str, str]] = []
    for raw in body:
        values = [_text(v) for v in raw]
        if not any(values):
            continue  # spreadsheet programs leave blank lines behind
        rows.append({name: values[i] if i < len(values) else "" for i, name in enumerate(names) if name})
    return rows


def read_table(handle: IO[bytes], filename: str) -> list[dict[str, str]]:
    """All data rows of the first sheet (XLSX) or the file (CSV), keyed by normalised column name."""
    data = handle.read()
    if filename.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise _unreadable() from exc
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        header = next(iterator, None)
        if header is None:
            raise _unreadable()
        rows = _rows(list(header), iterator)
        workbook.close()
        return rows
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")  # Chinese Excel saves CSV in the local code page
        except UnicodeDecodeError as exc:
            raise _unreadable() from exc
    reader = csv.reader(io.StringIO(text))
    header_row = next(reader, None)
    if header_row is None:
        raise _unreadable()
    return _rows(list(header_row), reader)


def _unreadable() -> ServiceError:
    message = _("The file cannot be read as CSV or Excel (.xlsx), or it has no header row.")
    return ServiceError(message, code="unreadable_file", fields={"file": [message]})


def parse_date(value: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value[:10], fmt).date()
        except ValueError:
            continue
    raise ValueError(value)
