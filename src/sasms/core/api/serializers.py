from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from sasms.core.text import clean_submitted


class StrictInputSerializer(serializers.Serializer[Any]):
    """An input serializer that refuses fields it does not know, naming them.

    Control characters in submitted text (ESC, NUL, lone surrogates) are dropped before the fields
    validate it: they mean nothing in SASMS and would break exports and PostgreSQL.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
            data = clean_submitted(data)
        return super().to_internal_value(data)
