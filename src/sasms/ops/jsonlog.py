"""One JSON object per log line: time, level, logger, message, request id, user id and extras.

Standard library only. Enabled with ``SASMS_LOG_FORMAT=json`` (see docs/deploy.md).
"""

import datetime
import json
import logging
from typing import Any

from sasms.core.context import current_origin
from sasms.ops.context import current_user_id

# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is emitted.
_RESERVED = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys()
    | {"message", "asctime", "taskName"}
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        origin = current_origin()
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": origin.request_id or None,
            "user_id": current_user_id(),
            "channel": origin.channel,
        }
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _RESERVED and key not in entry and not key.startswith("_"):
                entry[key] = value
        return json.dumps(entry, ensure_ascii=False, default=str)
