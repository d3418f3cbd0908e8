"""One JSON error shape for every API failure.

``{"error": {"code": "...", "message": "...", "fields": {"name": ["..."]}}}`` — ``fields`` names
the offending input; a refused use case (``ServiceError``) maps onto the same shape.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from sasms.core.errors import ServiceError


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            fields.update(_flatten(value, name))
        return fields
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        fields = {}
        for index, item in enumerate(detail):
            fields.update(_flatten(item, f"{prefix}[{index}]" if prefix else str(index)))
        return fields
    return {prefix or "non_field_errors": [str(detail)]}


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ServiceError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = (
            fields.pop("non_field_errors", [_("The request has invalid fields.")])[0]
            if not fields
            else _("The request has invalid fields.")
        )
        response.data = error_body("invalid", message, fields)
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        code = getattr(detail, "code", None) or exc.default_code
        response.data = error_body(
            str(code), str(detail) if not isinstance(detail, dict | list) else str(exc.default_detail)
        )
        if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
            response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response
