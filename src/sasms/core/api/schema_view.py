"""The OpenAPI schema, generated once per process for anonymous readers.

Generating it walks every view and serializer (about a second of CPU), and the schema only
changes with the code, so each process keeps what it generated per language and API version;
a restart (every deploy) starts afresh. Signed-in readers still get a freshly generated one:
views may describe themselves differently for them.
"""

import threading
from typing import Any

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response

_schemas: dict[tuple[str, str | None], dict[str, Any]] = {}
_lock = threading.Lock()


def clear_schema_cache() -> None:
    with _lock:
        _schemas.clear()


class CachedSchemaView(SpectacularAPIView):
    def _get_schema_response(self, request: Request) -> Response:
        if request.user.is_authenticated:
            response: Response = super()._get_schema_response(request)  # type: ignore[no-untyped-call]
            return response
        version = self.api_version or request.version or self._get_version_parameter(request)  # type: ignore[no-untyped-call]
        key = (translation.get_language() or "", version)
        schema = _schemas.get(key)
        if schema is None:
            with _lock:  # one generation at a time: concurrent first readers wait for it
                schema = _schemas.get(key)
                if schema is None:
                    generator = self.generator_class(
                        urlconf=self.urlconf, api_version=version, patterns=self.patterns
                    )
                    schema = generator.get_schema(request=request, public=self.serve_public)  # type: ignore[no-untyped-call]
                    _schemas[key] = schema
        filename = self._get_filename(request, version)  # type: ignore[no-untyped-call]
        return Response(data=schema, headers={"Content-Disposition": f'inline; filename="{filename}"'})
