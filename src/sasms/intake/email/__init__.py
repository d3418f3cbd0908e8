"""Inbound e-mail: RFC 5322 bytes → :class:`InboundEmail`."""

from sasms.intake.email.classify import LOOP_HEADER
from sasms.intake.email.parse import SR_NUMBER, Attachment, EmailAddress, InboundEmail, Problem, parse_email

__all__ = ["LOOP_HEADER", "SR_NUMBER", "Attachment", "EmailAddress", "InboundEmail", "Problem", "parse_email"]
