"""The API's JSON body parser: DRF's, with absurd nesting answered as a 400 like any bad JSON."""

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DrfJSONParser


class JSONParser(DrfJSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            # Python's decoder recurses per level; thousands of nested brackets exhaust the stack.
            raise ParseError(_("JSON parse error - the body is nested too deeply.")) from exc
