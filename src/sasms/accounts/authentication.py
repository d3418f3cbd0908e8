from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.request import Request

from sasms.accounts.limits import count_failure, failed_too_often
from sasms.accounts.models import ApiToken, User
from sasms.accounts.services import authenticate_token
from sasms.accounts.twofactor import second_factor_missing


def _failures(request: Request, *, increment: bool) -> bool:
    """Whether this address failed the token check too often (``SASMS_API_TOKEN_FAILURE_RATE``);
    with ``increment``, counts one more failure."""
    rate = settings.SASMS_API_TOKEN_FAILURE_RATE
    if increment:
        count_failure(request._request, group="api-token-failed", rate=rate)
        return False
    return failed_too_often(request._request, group="api-token-failed", rate=rate)


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer sasms_…`` (``Token`` is accepted as the keyword too)."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        # An address that keeps presenting bad tokens is guessing: refused for a while, before
        # its next guess is even looked up.
        if _failures(request, increment=False):
            raise exceptions.Throttled(
                wait=60, detail=_("Too many failed token checks from this address; try again shortly.")
            )
        if len(parts) != 2:
            _failures(request, increment=True)
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            _failures(request, increment=True)
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header.")) from exc
        token = authenticate_token(secret)
        if token is None:
            _failures(request, increment=True)
            raise exceptions.AuthenticationFailed(_("The token is invalid, expired or revoked."))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class VerifiedSessionAuthentication(SessionAuthentication):
    """The browser session, refused while it still owes the staff second factor.

    The page middleware already answers such sessions on ``/api/``; this keeps any API view mounted
    elsewhere from trusting a password-only staff session either.
    """

    def authenticate(self, request: Request) -> tuple[User, None] | None:
        result = super().authenticate(request)
        if result is not None and second_factor_missing(result[0]):
            raise exceptions.PermissionDenied(
                _("Finish two-factor sign-in before using the API with this session."),
                code="second_factor_required",
            )
        return result
