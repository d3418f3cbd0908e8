"""Every CSV and XLSX file SASMS hands out is written through here.

Exported cells carry text that customers and machines typed (request titles, names, alert labels),
and a spreadsheet program opens them. Two rules keep that text inert:

* **No formulas.** A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return would be read as a formula (``=cmd|' /C calc'!A0``, ``=HYPERLINK(…)``); it gets a leading
  single quote (the OWASP CSV-injection advice), and XLSX cells holding text are written as strings,
  never as ``<f>`` formula cells. A plain number such as ``-12.5`` is left alone: it cannot run.
* **Only characters XML allows.** XLSX is XML, which has no place for control characters such as
  ESC; they are dropped rather than failing the whole export.
"""

import csv
import datetime
import decimal
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from sasms.core.text import strip_illegal

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)*")
_NATIVE = (bool, int, float, decimal.Decimal, datetime.date, datetime.time, datetime.timedelta)

Row = Sequence[Any]


def neutralise(text: str) -> str:
    """Text that a spreadsheet program shows as text: cleaned, and quoted if it looks like a formula."""
    text = strip_illegal(text)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def export_value(value: Any) -> Any:
    """One cell's value: numbers, dates and booleans stay typed; everything else becomes safe text."""
    if value is None:
        return ""
    if isinstance(value, _NATIVE):
        return value
    if isinstance(value, Promise):
        value = str(value)
    return neutralise(value if isinstance(value, str) else str(value))


def export_row(values: Iterable[Any]) -> list[Any]:
    return [export_value(v) for v in values]


# --- CSV --------------------------------------------------------------------------------------------
class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """The file line by line, starting with a byte-order mark so spreadsheet programs read UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(export_row(row))


def csv_text(rows: Iterable[Row]) -> str:
    return "".join(csv_lines(rows))


def csv_response(rows: Iterable[Row], filename: str) -> HttpResponse:
    response = HttpResponse(csv_text(rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_streaming_response(rows: Iterable[Row], filename: str) -> StreamingHttpResponse:
    """For long lists: rows are read and written as the client downloads."""
    response = StreamingHttpResponse(csv_lines(rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- XLSX -------------------------------------------------------------------------------------------
def _cell(sheet: Worksheet | WriteOnlyWorksheet, value: Any) -> Any:
    value = export_value(value)
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)  # placed at row 1, column 1 until appended
    cell.data_type = "s"  # text is a string cell, whatever it starts with
    return cell


def append_row(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    """Append one row of safe cells to a sheet (write-only or ordinary)."""
    sheet.append([_cell(sheet, v) for v in values])


def xlsx_bytes(sheets: Iterable[tuple[str, Iterable[Row]]]) -> bytes:
    """A workbook of one sheet per ``(title, rows)``; titles are cut to Excel's 31 characters."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title=strip_illegal(title)[:31] or "sheet")
        for row in rows:
            append_row(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(sheets: Iterable[tuple[str, Iterable[Row]]], filename: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
