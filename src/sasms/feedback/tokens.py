"""Signed links that let a customer answer a survey from the e-mail without signing in.

The token carries the survey id, signed with the site's secret key (``django.core.signing``) and
a salt of its own, so a token made for anything else does not fit. It expires after
``SASMS_SURVEY_LINK_DAYS`` (default 30) days; signed-in customers can still answer in the portal.
"""

from django.conf import settings
from django.core import signing

SALT = "sasms.portal.survey"
LINK_DAYS_DEFAULT = 30


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


def link_days() -> int:
    return int(getattr(settings, "SASMS_SURVEY_LINK_DAYS", LINK_DAYS_DEFAULT))


def make_token(survey_id: int) -> str:
    return signing.dumps({"s": survey_id}, salt=SALT)


def read_token(token: str) -> int:
    """The survey id in ``token``; ``TokenExpired`` or ``TokenInvalid`` otherwise."""
    try:
        data = signing.loads(token, salt=SALT, max_age=link_days() * 86_400)
    except signing.SignatureExpired as exc:
        raise TokenExpired from exc
    except signing.BadSignature as exc:
        raise TokenInvalid from exc
    survey_id = data.get("s") if isinstance(data, dict) else None
    if not isinstance(survey_id, int) or survey_id <= 0:
        raise TokenInvalid
    return survey_id
