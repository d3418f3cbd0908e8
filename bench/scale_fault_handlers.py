"""Imported by the Celery workers of ``scale_faults.py`` (``-I scale_fault_handlers``): an outbox
topic whose "receiver" appends each delivery's idempotency key to a file — outside Redis and
PostgreSQL, so restarting either cannot erase what the receiver has seen."""

import os
import time
from collections.abc import Mapping
from typing import Any

from sasms.core.outbox import register_handler

SINK_FILE = os.environ.get("FAULT_SINK_FILE", "/tmp/sasms-fault-sink.log")


@register_handler("bench.sink")
def deliver(payload: Mapping[str, Any], idempotency_key: str) -> None:
    # One short line per delivery, appended: atomic between the worker's processes.
    with open(SINK_FILE, "a", encoding="utf-8") as sink:
        sink.write(idempotency_key + "\n")
    time.sleep(0.02)  # a slow receiver widens the window for the kill
