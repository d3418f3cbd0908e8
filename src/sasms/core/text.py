"""Characters that text in SASMS never carries.

XML 1.0 has no place for most C0 control characters (ESC, NUL, …), lone UTF-16 surrogates or the
non-characters U+FFFE/U+FFFF. None of them means anything in a title, a name or a message, yet one
of them in a stored title breaks every XLSX export that row appears in, and PostgreSQL refuses NUL
outright. Submitted text is cleaned of them (forms and API input), and exports drop any that older
rows or machine intake still hold. Tab, newline and carriage return are kept.
"""

import re
from typing import Any

from django.utils.datastructures import MultiValueDict

ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_illegal(text: str) -> str:
    """``text`` without the characters an XML document (and so an XLSX cell) cannot hold."""
    return ILLEGAL_CHARACTERS.sub("", text)


def has_illegal(text: str) -> bool:
    return ILLEGAL_CHARACTERS.search(text) is not None


def clean_submitted(data: Any) -> Any:
    """Submitted data (a form's QueryDict, a parsed JSON body) with every string cleaned.

    A QueryDict or other multi-value dict keeps all values of each key; nested JSON is walked.
    Anything else (numbers, files, ``None``) is returned as it is.
    """
    if isinstance(data, str):
        return strip_illegal(data)
    if isinstance(data, MultiValueDict):
        if not any(isinstance(v, str) and has_illegal(v) for _k, values in data.lists() for v in values):
            return data
        copy = data.copy()
        for key, values in data.lists():
            copy.setlist(key, [clean_submitted(v) for v in values])
        return copy
    if isinstance(data, dict):
        return {key: clean_submitted(value) for key, value in data.items()}
    if isinstance(data, list):
        return [clean_submitted(item) for item in data]
    return data
