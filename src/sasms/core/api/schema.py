"""OpenAPI post-processing: the error answers every operation can give, documented once.

Every error has the same body (see :mod:`sasms.core.api.errors`); the hook adds it to each
operation for the statuses the API really uses, so clients (and the schema fuzzing) know them.
"""

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}
COMMON = {
    "400": "The request is malformed or a field is invalid (named in error.fields).",
    "401": "Not signed in, or the token is invalid.",
    "403": "Signed in, but not allowed to do this.",
    "404": "Not found, or not yours to see.",
    "405": "This method is not allowed here.",
    "406": "The requested format or version is not available.",
    "415": "The request body's media type is not supported.",
    "429": "Too many requests; retry after the time in the Retry-After header.",
}
WRITES = {
    "409": "The change conflicts with the current state (e.g. a transition that is not allowed now).",
    "413": "The request body is too large.",
}


OPTIONAL_FORMATS = {"email", "uri"}


def _allow_blank_formats(node: Any) -> None:
    """E-mail and web addresses are optional strings: empty when not known. A ``format`` alone
    would reject the empty string, so such properties accept "" or the formatted value."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if key == "properties" and isinstance(value, dict):
                for name, prop in value.items():
                    if (
                        isinstance(prop, dict)
                        and prop.get("format") in OPTIONAL_FORMATS
                        and "anyOf" not in prop
                    ):
                        formatted = {k: v for k, v in prop.items() if k in ("type", "format", "maxLength")}
                        rest = {k: v for k, v in prop.items() if k not in formatted}
                        value[name] = {**rest, "anyOf": [formatted, {"type": "string", "maxLength": 0}]}
            _allow_blank_formats(value)
    elif isinstance(node, list):
        for item in node:
            _allow_blank_formats(item)


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    _allow_blank_formats(result.get("components", {}))
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    reference = {"$ref": "#/components/schemas/Error"}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses = dict(COMMON)
            if method in ("post", "put", "patch", "delete"):
                statuses.update(WRITES)
            for status, description in statuses.items():
                operation["responses"].setdefault(
                    status,
                    {"description": description, "content": {"application/json": {"schema": reference}}},
                )
    return result
