"""Helpers the intake services share: who may configure intake, audit entries, ticket wording."""

from collections.abc import Mapping
from typing import Any

from django.db import models

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Capability
from sasms.core.audit import record_audit
from sasms.core.permissions import require

# Mailboxes, alert sources and BMC credentials are integration settings: administrators only.
# (A dedicated ``manage_integrations`` capability would fit better; see the issue note.)
CONFIGURE = Capability.MANAGE_MACHINE_TOKENS
# Deciding triage items and reading alerts and processed mail is service-desk work.
WORK = Capability.WORK_TICKETS


def require_configure(actor: User) -> None:
    require(actor, CONFIGURE)


def require_work(actor: User) -> None:
    require(actor, WORK)


def audit(
    actor: User | None,
    action: str,
    target: models.Model,
    changes: Mapping[str, list[Any]] | None = None,
    organisation: Organisation | None = None,
) -> None:
    record_audit(
        actor=actor, action=f"intake.{action}", target=target, changes=changes, organisation=organisation
    )


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
