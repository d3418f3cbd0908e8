"""One error type for refused use cases, shared by forms, the API and the CLI.

A service raises :class:`ServiceError` (or a subclass) with a stable ``code`` and, where a field is
to blame, ``fields``; the API turns it into the one JSON error shape and forms into field errors.
"""

from collections.abc import Mapping, Sequence

from django.utils.functional import Promise


class ServiceError(Exception):
    code = "invalid"
    status = 400

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str | Promise]] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        if code is not None:
            self.code = code
        self.fields: dict[str, list[str]] = {
            name: [str(m) for m in msgs] for name, msgs in (fields or {}).items()
        }


class NotFound(ServiceError):
    """Does not exist, or is not the actor's to see: the two are answered alike."""

    code = "not_found"
    status = 404


class PermissionDenied(ServiceError):
    code = "permission_denied"
    status = 403


class Conflict(ServiceError):
    code = "conflict"
    status = 409
