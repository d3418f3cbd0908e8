from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.request import Request

from sasms.accounts.models import ApiToken, User
from sasms.accounts.services import authenticate_token
from sasms.accounts.twofactor import second_factor_missing


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer sasms_…`` (``Token`` is accepted as the keyword too)."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header.")) from exc
        token = authenticate_token(secret)
        if token is None:
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
