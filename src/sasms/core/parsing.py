"""Numbers and ids from user input (query strings, form values, path parts).

``str.isdigit()`` is true for ``¹`` and ``²``, which ``int()`` then refuses, and a 30-digit id
passes it too but overflows the database's 64-bit integer. Every id or count read from a request
goes through here: ASCII digits only, within range, else ``None`` (the caller answers 4xx or
ignores the value, never 500).
"""

import re
from typing import Any

MAX_ID = 2**63 - 1  # PostgreSQL bigint; SQLite integers are the same size
_ASCII_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")


def parse_int(value: Any, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """``value`` as an int when it is ASCII digits (optionally signed) within the bounds, else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = value.strip() if isinstance(value, str) else ""
        if not _ASCII_INTEGER.fullmatch(text):
            return None
        number = int(text)
    if minimum is not None and number < minimum:
        return None
    if maximum is not None and number > maximum:
        return None
    if not -MAX_ID - 1 <= number <= MAX_ID:
        return None
    return number


def parse_id(value: Any) -> int | None:
    """A row id: a positive 64-bit integer written in ASCII digits, else ``None``."""
    if isinstance(value, str) and value.strip().startswith(("+", "-")):
        return None
    return parse_int(value, minimum=1, maximum=MAX_ID)


def is_ascii_digits(value: str) -> bool:
    """Only ``0``–``9`` (``str.isdigit`` also accepts ``¹``, ``²`` and other digits ``int`` refuses)."""
    return value.isascii() and value.isdigit()
