"""The vocabulary of intake: mailbox security, processing outcomes, triage, alert and BMC states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MailSecurity(models.TextChoices):
    SSL = "ssl", _("TLS (IMAPS)")
    STARTTLS = "starttls", _("STARTTLS")
    NONE = "none", _("None (plain text)")


class Outcome(models.TextChoices):
    """What became of one inbound e-mail."""

    CREATED = "created", _("Request created")
    COMMENTED = "commented", _("Added to a request")
    TRIAGED = "triaged", _("Sent to triage")
    AUTO_REPLY = "auto_reply", _("Ignored: auto-reply")
    BOUNCE = "bounce", _("Ignored: bounce")
    LOOP = "loop", _("Ignored: mail loop")
    FAILED = "failed", _("Failed (in triage)")


IGNORED_OUTCOMES = frozenset({Outcome.AUTO_REPLY, Outcome.BOUNCE, Outcome.LOOP})


class Direction(models.TextChoices):
    INBOUND = "in", _("Received")
    OUTBOUND = "out", _("Sent")


class TriageChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    MONITORING = "monitoring", _("Monitoring")
    BMC = "bmc", _("BMC")


class TriageReason(models.TextChoices):
    UNKNOWN_SENDER = "unknown_sender", _("Unknown sender")
    AMBIGUOUS_SENDER = "ambiguous_sender", _("Sender known at several customers")
    REPLY_FROM_STRANGER = "reply_from_stranger", _("Reply from someone outside the request")
    UNREADABLE = "unreadable", _("Message could not be read")
    UNKNOWN_DEVICE = "unknown_device", _("Unknown device")
    FAILED = "failed", _("Processing failed")


class TriageStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class TriageResolution(models.TextChoices):
    CREATED = "created", _("Request created")
    ATTACHED = "attached", _("Attached to a request")
    DISCARDED = "discarded", _("Discarded")


class SourceKind(models.TextChoices):
    ALERTMANAGER = "alertmanager", _("Prometheus Alertmanager")
    ZABBIX = "zabbix", _("Zabbix")
    GENERIC = "generic", _("Generic JSON")


class AlertState(models.TextChoices):
    FIRING = "firing", _("Firing")
    RESOLVED = "resolved", _("Resolved")


class AlertSeverity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    WARNING = "warning", _("Warning")
    INFO = "info", _("Info")
    UNKNOWN = "unknown", _("Unknown")


SEVERITY_RANK = {
    AlertSeverity.CRITICAL: 3,
    AlertSeverity.WARNING: 2,
    AlertSeverity.INFO: 1,
    AlertSeverity.UNKNOWN: 2,  # a source that names no severity is taken as a warning
}


class MinSeverity(models.TextChoices):
    CRITICAL = "critical", _("Critical only")
    WARNING = "warning", _("Warning and above")
    INFO = "info", _("Every alert")


class BmcScheme(models.TextChoices):
    HTTPS = "https", "HTTPS"
    HTTP = "http", "HTTP"


class BmcAuth(models.TextChoices):
    SESSION = "session", _("Session (X-Auth-Token)")
    BASIC = "basic", _("HTTP basic")


class PollStatus(models.TextChoices):
    NEVER = "never", _("Not polled yet")
    OK = "ok", _("Healthy")
    FAULT = "fault", _("Fault")
    UNREACHABLE = "unreachable", _("Unreachable")
    ERROR = "error", _("Error")
    MISMATCH = "mismatch", _("Identity mismatch")


class BmcIdentity(models.TextChoices):
    """Whether the BMC was found to be the server's own (its system serial number / UUID)."""

    UNCHECKED = "unchecked", _("Not checked yet")
    VERIFIED = "verified", _("Matches the server")
    MISMATCH = "mismatch", _("Identity mismatch")


class FaultStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RECOVERED = "recovered", _("Recovered")
    LOGGED = "logged", _("Logged event")  # a log entry: an event in the past, it cannot recover
