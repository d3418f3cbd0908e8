"""Plain multi-row INSERTs for the demo's bulk rows (timeline events, checklist items).

``bulk_create`` builds a model instance and prepares every value through its field; for the
demo's ~150 000 events that was two thirds of the step's time. Here only the values that need
the database's format (dates, times, JSON) go through their field; the rest are passed as they are.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

BATCH = 5_000


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    fields = [model._meta.get_field(name) for name in names]
    convert = [isinstance(f, models.DateField | models.JSONField) for f in fields]
    columns = ", ".join(connection.ops.quote_name(str(getattr(f, "column", f.name))) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(model._meta.db_table)
    # Only quoted names from the model's own metadata go into the text; values are parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    prepared = [
        tuple(
            f.get_db_prep_save(value, connection) if needs and value is not None else value  # type: ignore[union-attr]
            for f, needs, value in zip(fields, convert, row, strict=True)
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(prepared), BATCH):
            cursor.executemany(sql, prepared[start : start + BATCH])
