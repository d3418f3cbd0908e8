"""Chinese telephone numbers as telephony systems send them and as people type them.

``+86 138-0013-8000``, ``008613800138000``, ``(010) 6234 5678``, ``+86 10 62345678 转 801``,
``400-820-0000`` — all reduce to the national significant number (NSN: mobile numbers whole,
landlines without the trunk ``0``), which is what two spellings of one line have in common.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

# "转" (transfer), "分机", "ext", "x" or "#" start an extension; "," is a dialling pause before one.
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x|#|,|;)\s*(\d{1,6})\s*$", re.IGNORECASE)
_ALLOWED = re.compile(r"^[\d\s+()\-./]*$")
# Area codes with two digits after the trunk 0: Beijing 10 and 20-29; all others have three.
_TWO_DIGIT_AREAS = re.compile(r"^(10|2\d)")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SERVICE = re.compile(r"^[48]00\d{7}$")
MIN_DIGITS = 7
MAX_DIGITS = 20


class InvalidNumber(ValueError):
    """``field`` names the input to blame: ``number`` or ``area_code``."""

    def __init__(self, message: str, field: str = "number") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PhoneNumber:
    """``nsn`` is empty for a number from another country (then ``e164`` is all there is)."""

    kind: str  # mobile, landline, service, international
    nsn: str
    e164: str
    extension: str = ""
    area_code: str = ""

    @property
    def display(self) -> str:
        if self.kind == "mobile":
            text = f"+86 {self.nsn[:3]} {self.nsn[3:7]} {self.nsn[7:]}"
        elif self.kind == "landline":
            local = self.nsn[len(self.area_code) :]
            text = f"+86 {self.area_code} {local}"
        elif self.kind == "service":
            text = f"{self.nsn[:3]}-{self.nsn[3:6]}-{self.nsn[6:]}"
        else:
            text = self.e164
        return f"{text} ext. {self.extension}" if self.extension else text


def _split_extension(text: str) -> tuple[str, str]:
    found = _EXTENSION.search(text)
    if found is None:
        return text, ""
    return text[: found.start()], found.group(1)


def _national(digits: str, *, area_code: str, extension: str) -> PhoneNumber:
    if _MOBILE.match(digits):
        return PhoneNumber("mobile", digits, f"+86{digits}", extension)
    if _SERVICE.match(digits):
        return PhoneNumber("service", digits, f"+86{digits}", extension)
    if digits.startswith("0"):
        digits = digits[1:]
        if _MOBILE.match(digits):  # some exchanges put the trunk 0 before a mobile number
            return PhoneNumber("mobile", digits, f"+86{digits}", extension)
    elif 7 <= len(digits) <= 8 and area_code:
        digits = area_code.lstrip("0") + digits
    elif 7 <= len(digits) <= 8:
        raise InvalidNumber(_("A local number needs its area code."))
    area = _TWO_DIGIT_AREAS.match(digits)
    area_digits = area.group(1) if area else digits[:3]
    local = digits[len(area_digits) :]
    if not area_digits.isdigit() or area_digits.startswith("0") or not 7 <= len(local) <= 8:
        raise InvalidNumber(_("This is not a Chinese telephone number."))
    return PhoneNumber("landline", digits, f"+86{digits}", extension, area_digits)


def parse(text: str, *, area_code: str = "") -> PhoneNumber:
    """The number in ``text``, or ``InvalidNumber`` with a reason a person can act on.

    ``area_code`` (e.g. ``010``) completes a local landline number sent without one.
    """
    raw = (text or "").strip()
    if not raw:
        raise InvalidNumber(_("This field is required."))
    if len(raw) > 60:
        raise InvalidNumber(_("The number is too long."))
    raw = unicodedata.normalize("NFKC", raw)  # full-width digits, ＋ and （） as people type them
    body, extension = _split_extension(raw)
    if not _ALLOWED.match(body):
        raise InvalidNumber(_("A telephone number may hold digits, spaces, +, -, ( and ) only."))
    area = "".join(ch for ch in (area_code or "") if ch.isdigit())
    if area_code and not 2 <= len(area.lstrip("0")) <= 3:
        raise InvalidNumber(_("The area code is not valid."), field="area_code")
    international = body.strip().startswith("+")
    digits = "".join(ch for ch in body if ch.isdigit())
    if digits.startswith("00"):
        international, digits = True, digits[2:]
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        raise InvalidNumber(_("The number has too few or too many digits."))
    if international:
        if not digits.startswith("86"):
            return PhoneNumber("international", "", f"+{digits}", extension)
        return _national(digits[2:], area_code="", extension=extension)
    if len(digits) == 13 and digits.startswith("86") and _MOBILE.match(digits[2:]):
        return _national(digits[2:], area_code="", extension=extension)  # 86 without the plus
    return _national(digits, area_code=area, extension=extension)


def try_parse(text: str) -> PhoneNumber | None:
    """The number, or ``None`` for a stored value that is not one (stored data is not refused)."""
    try:
        return parse(text)
    except InvalidNumber:
        return None


def match_key(number: PhoneNumber) -> str:
    """What two spellings of one line share: the NSN, or the E.164 form abroad."""
    return number.nsn or number.e164


def candidate_digits(number: PhoneNumber) -> str:
    """A digit run every stored spelling of ``number`` contains, for a first cheap filter."""
    return match_key(number).lstrip("+")[-7:]
