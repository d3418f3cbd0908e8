"""Redfish BMC polling: inventory, faults and new log entries (DMTF ``redfish`` client underneath)."""

from sasms.intake.redfish.fetch import RedfishError, RedfishTransport, Transport
from sasms.intake.redfish.model import (
    Component,
    ComponentKind,
    Fault,
    FaultKind,
    Health,
    LogCursor,
    LogEntry,
    LogMark,
    PollResult,
    Problem,
    SystemInfo,
)
from sasms.intake.redfish.poll import poll, poll_bmc

__all__ = [
    "Component",
    "ComponentKind",
    "Fault",
    "FaultKind",
    "Health",
    "LogCursor",
    "LogEntry",
    "LogMark",
    "PollResult",
    "Problem",
    "RedfishError",
    "RedfishTransport",
    "SystemInfo",
    "Transport",
    "poll",
    "poll_bmc",
]
