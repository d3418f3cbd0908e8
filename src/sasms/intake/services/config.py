"""Configuring intake: mailboxes, alert sources (with their tokens) and BMC endpoints.

Administrators only; every change is audited without the secrets themselves (a password change is
recorded as "changed"). Tokens are returned once, from the call that made them.
"""

import hashlib
import hmac
import ipaddress
import secrets as random_secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.assets.models import Server
from sasms.core import secrets
from sasms.core.audit import changed_fields, snapshot
from sasms.core.errors import Conflict, ServiceError
from sasms.core.writes import TIME_ZONES, apply_changes, full_clean_or_refuse, save_or_conflict
from sasms.intake.choices import BmcIdentity
from sasms.intake.models import AlertSource, BmcEndpoint, Mailbox
from sasms.intake.redfish.identity import address_key
from sasms.intake.services.common import audit, require_configure

MAILBOX_FIELDS = (
    "name",
    "address",
    "host",
    "port",
    "security",
    "username",
    "folder",
    "organisation",
    "reply_to",
    "is_active",
)
SOURCE_FIELDS = (
    "name",
    "kind",
    "organisation",
    "min_severity",
    "correlation_minutes",
    "auto_resolve",
    "time_zone",
    "is_active",
)
BMC_FIELDS = (
    "server",
    "address",
    "port",
    "scheme",
    "username",
    "auth",
    "verify_tls",
    "poll_interval_minutes",
    "log_since",
    "is_active",
)
ALERT_TOKEN_PREFIX = "sasms_alert_"
BMC_TOKEN_PREFIX = "sasms_bmc_"
MAX_CORRELATION_MINUTES = 7 * 24 * 60


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def digests_match(token: str, digest: str) -> bool:
    return hmac.compare_digest(token_digest(token), digest)


def _new_token(prefix: str) -> str:
    return prefix + random_secrets.token_urlsafe(32)


def _password_change(changes: dict[str, list[Any]], password: str | None) -> None:
    if password:
        changes["password"] = [None, "changed"]


def _check_port(port: int | None, errors: dict[str, list[str]]) -> None:
    if port is not None and not 1 <= port <= 65535:
        errors["port"] = [_("A port is a number from 1 to 65535.")]


# --- Mailboxes -------------------------------------------------------------------------------------


def _check_mailbox(mailbox: Mailbox) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _check_port(mailbox.port, errors)
    if not mailbox.folder.strip():
        errors["folder"] = [_("This field is required.")]
    return errors


@transaction.atomic
def create_mailbox(*, actor: User, password: str = "", **fields: Any) -> Mailbox:
    require_configure(actor)
    mailbox = Mailbox()
    apply_changes(mailbox, MAILBOX_FIELDS, fields)
    if not password:
        raise ServiceError(
            _("Please correct the errors below."), fields={"password": [_("This field is required.")]}
        )
    mailbox.password_encrypted = secrets.encrypt(password)
    full_clean_or_refuse(mailbox, _check_mailbox(mailbox), exclude=["password_encrypted"])
    save_or_conflict(mailbox, _("A mailbox with this name already exists."), "name")
    changes = changed_fields({}, snapshot(mailbox, MAILBOX_FIELDS))
    _password_change(changes, password)
    audit(actor, "mailbox.create", mailbox, changes, mailbox.organisation)
    return mailbox


@transaction.atomic
def update_mailbox(*, actor: User, mailbox: Mailbox, password: str = "", **changes: Any) -> Mailbox:
    """Change settings; an empty ``password`` keeps the stored one."""
    require_configure(actor)
    mailbox = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
    before = snapshot(mailbox, MAILBOX_FIELDS)
    apply_changes(mailbox, MAILBOX_FIELDS, changes)
    diff = changed_fields(before, snapshot(mailbox, MAILBOX_FIELDS))
    _password_change(diff, password)
    if not diff:
        return mailbox
    if password:
        mailbox.password_encrypted = secrets.encrypt(password)
    if {"host", "username", "folder"} & set(diff):
        # Another mailbox behind the same row: its UIDs mean nothing here (Message-IDs still guard).
        mailbox.uid_validity = None
        mailbox.last_uid = 0
    full_clean_or_refuse(mailbox, _check_mailbox(mailbox), exclude=["password_encrypted"])
    mailbox.updated_at = timezone.now()
    save_or_conflict(mailbox, _("A mailbox with this name already exists."), "name")
    audit(actor, "mailbox.update", mailbox, diff, mailbox.organisation)
    return mailbox


# --- Alert sources ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedSource:
    source: AlertSource
    token: str  # shown once; only its digest is stored


def _check_source(source: AlertSource) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if source.time_zone not in TIME_ZONES:
        errors["time_zone"] = [_("Unknown time zone: %s") % source.time_zone]
    if not 1 <= source.correlation_minutes <= MAX_CORRELATION_MINUTES:
        errors["correlation_minutes"] = [
            _("Between 1 and %(max)d minutes.") % {"max": MAX_CORRELATION_MINUTES}
        ]
    return errors


@transaction.atomic
def create_alert_source(*, actor: User, **fields: Any) -> IssuedSource:
    require_configure(actor)
    token = _new_token(ALERT_TOKEN_PREFIX)
    source = AlertSource(token_prefix=token[: len(ALERT_TOKEN_PREFIX) + 4], token_digest=token_digest(token))
    apply_changes(source, SOURCE_FIELDS, fields)
    full_clean_or_refuse(source, _check_source(source), exclude=["token_digest", "token_prefix"])
    save_or_conflict(source, _("An alert source with this name already exists."), "name")
    changes = changed_fields({}, snapshot(source, SOURCE_FIELDS))
    changes["token"] = [None, source.token_prefix + "…"]
    audit(actor, "alert_source.create", source, changes, source.organisation)
    return IssuedSource(source=source, token=token)


@transaction.atomic
def update_alert_source(*, actor: User, source: AlertSource, **changes: Any) -> AlertSource:
    require_configure(actor)
    source = AlertSource.objects.select_for_update().get(pk=source.pk)
    diff = apply_changes(source, SOURCE_FIELDS, changes)
    if not diff:
        return source
    full_clean_or_refuse(source, _check_source(source), exclude=["token_digest", "token_prefix"])
    source.updated_at = timezone.now()
    save_or_conflict(source, _("An alert source with this name already exists."), "name")
    audit(actor, "alert_source.update", source, diff, source.organisation)
    return source


@transaction.atomic
def rotate_alert_source_token(*, actor: User, source: AlertSource) -> IssuedSource:
    """A new token; the old one stops working at once."""
    require_configure(actor)
    source = AlertSource.objects.select_for_update().get(pk=source.pk)
    token = _new_token(ALERT_TOKEN_PREFIX)
    before = source.token_prefix
    source.token_prefix = token[: len(ALERT_TOKEN_PREFIX) + 4]
    source.token_digest = token_digest(token)
    source.updated_at = timezone.now()
    source.save(update_fields=["token_prefix", "token_digest", "updated_at"])
    audit(
        actor,
        "alert_source.rotate_token",
        source,
        {"token": [before + "…", source.token_prefix + "…"]},
        source.organisation,
    )
    return IssuedSource(source=source, token=token)


# --- BMC endpoints ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedPushToken:
    endpoint: BmcEndpoint
    token: str


def _check_bmc(endpoint: BmcEndpoint) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _check_port(endpoint.port, errors)
    if not 1 <= endpoint.poll_interval_minutes <= 24 * 60:
        errors["poll_interval_minutes"] = [_("Between 1 and 1440 minutes.")]
    endpoint.address = endpoint.address.strip()
    address = endpoint.address
    if not address or any(c in address for c in "/?#@ ") or "://" in address:
        errors["address"] = [_("A host name or IP address only, without protocol or path.")]
    elif ":" in address and not _is_ipv6(address.removeprefix("[").removesuffix("]")):
        # "10.0.0.5:8443" would slip past the one-address-one-server check as another address.
        errors["address"] = [_("Enter the port in the port field, not in the address.")]
    return errors


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _address_taken(endpoint: BmcEndpoint) -> None:
    """One BMC address belongs to one server: refuse, naming the address field and the holder."""
    holder = (
        BmcEndpoint.objects.filter(address_key=endpoint.address_key)
        .exclude(pk=endpoint.pk)
        .select_related("server")
        .first()
    )
    if holder is not None:
        message = _("This BMC address is already registered on server %(server)s.") % {
            "server": holder.server.serial
        }
        raise Conflict(message, fields={"address": [message]})


def _bmc_conflict(endpoint: BmcEndpoint) -> None:
    endpoint.address_key = address_key(endpoint.scheme, endpoint.address, endpoint.port)
    _address_taken(endpoint)
    try:
        save_or_conflict(endpoint, _("This server already has a BMC endpoint."), "server")
    except Conflict:
        _address_taken(endpoint)  # a concurrent registration of the same address won the race
        raise


@transaction.atomic
def create_bmc_endpoint(*, actor: User, server: Server, password: str = "", **fields: Any) -> BmcEndpoint:
    require_configure(actor)
    endpoint = BmcEndpoint()
    if "log_since" not in fields:
        fields["log_since"] = timezone.now()  # history before registration is not news
    apply_changes(endpoint, BMC_FIELDS, {"server": server, **fields})
    if not endpoint.username:
        raise ServiceError(
            _("Please correct the errors below."), fields={"username": [_("This field is required.")]}
        )
    endpoint.password_encrypted = secrets.encrypt(password)
    endpoint.next_poll_at = timezone.now()
    full_clean_or_refuse(endpoint, _check_bmc(endpoint), exclude=["password_encrypted", "server"])
    _bmc_conflict(endpoint)
    changes = changed_fields({}, snapshot(endpoint, BMC_FIELDS))
    _password_change(changes, password)
    audit(actor, "bmc.create", endpoint, changes, server.organisation)
    return endpoint


@transaction.atomic
def update_bmc_endpoint(
    *, actor: User, endpoint: BmcEndpoint, password: str = "", **changes: Any
) -> BmcEndpoint:
    """Change settings; an empty ``password`` keeps the stored one."""
    require_configure(actor)
    endpoint = (
        BmcEndpoint.objects.select_for_update(of=("self",)).select_related("server").get(pk=endpoint.pk)
    )
    before = snapshot(endpoint, BMC_FIELDS)
    apply_changes(endpoint, BMC_FIELDS, changes)
    diff = changed_fields(before, snapshot(endpoint, BMC_FIELDS))
    _password_change(diff, password)
    if not diff:
        return endpoint
    if password:
        endpoint.password_encrypted = secrets.encrypt(password)
    if {"address", "port", "scheme", "server"} & set(diff):
        endpoint.log_cursor = ""  # another BMC: its log positions start afresh
        # ...and another pairing of BMC and server: nothing is written until it is checked again.
        endpoint.identity_status = BmcIdentity.UNCHECKED
        endpoint.identity_mismatch_since = None
        endpoint.reported_serial = endpoint.system_uuid = ""
    if endpoint.is_active:
        endpoint.disabled_reason = ""
    full_clean_or_refuse(endpoint, _check_bmc(endpoint), exclude=["password_encrypted", "server"])
    endpoint.updated_at = timezone.now()
    endpoint.next_poll_at = timezone.now()
    _bmc_conflict(endpoint)
    audit(actor, "bmc.update", endpoint, diff, endpoint.server.organisation)
    return endpoint


@transaction.atomic
def issue_bmc_push_token(*, actor: User, endpoint: BmcEndpoint) -> IssuedPushToken:
    """A bearer token for the BMC's EventService subscription (replaces any earlier one)."""
    require_configure(actor)
    endpoint = (
        BmcEndpoint.objects.select_for_update(of=("self",)).select_related("server").get(pk=endpoint.pk)
    )
    token = _new_token(BMC_TOKEN_PREFIX)
    before = endpoint.push_token_prefix
    endpoint.push_token_prefix = token[: len(BMC_TOKEN_PREFIX) + 4]
    endpoint.push_token_digest = token_digest(token)
    endpoint.save(update_fields=["push_token_prefix", "push_token_digest"])
    audit(
        actor,
        "bmc.push_token",
        endpoint,
        {"push_token": [before + "…" if before else None, endpoint.push_token_prefix + "…"]},
        endpoint.server.organisation,
    )
    return IssuedPushToken(endpoint=endpoint, token=token)
