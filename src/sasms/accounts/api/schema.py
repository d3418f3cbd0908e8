"""How the API's token authentication appears in the OpenAPI schema."""

from typing import Any

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "sasms.accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal or machine token from the API tokens page: "
            "`Authorization: Bearer sasms_…`",
        }


class VerifiedSessionScheme(SessionScheme):  # type: ignore[no-untyped-call]
    """The browser session: the same cookie as DRF's own, once two-factor sign-in is done."""

    target_class = "sasms.accounts.authentication.VerifiedSessionAuthentication"
    priority = 0
