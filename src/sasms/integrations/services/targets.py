"""Configuring chat robots and webhook subscriptions (administrators), each change audited.

Secrets and robot addresses are encrypted before they are stored; the audit trail records that
they changed, never their values.
"""

import ipaddress
import secrets
import socket
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Capability
from sasms.core.audit import changed_fields, record_audit, snapshot
from sasms.core.errors import ServiceError
from sasms.core.permissions import require
from sasms.integrations.cache import forget_listeners
from sasms.integrations.choices import ROBOT_EVENTS, WEBHOOK_EVENTS, RobotKind
from sasms.integrations.crypto import decrypt, encrypt
from sasms.integrations.http import destination_allowed
from sasms.integrations.models import ChatRobot, WebhookSubscription

ROBOT_FIELDS = ("name", "kind", "events", "organisation", "is_active")
WEBHOOK_FIELDS = ("name", "url", "events", "organisation", "is_active")
CHANGED = "(changed)"
UNCHANGED: Any = object()


def _check_url(value: str, field: str, errors: dict[str, list[str]]) -> str:
    url = (value or "").strip()
    parts = urlsplit(url)
    if not url:
        errors.setdefault(field, []).append(_("This field is required."))
    elif parts.scheme not in ("http", "https") or not parts.netloc:
        errors.setdefault(field, []).append(_("Enter an http:// or https:// address."))
    elif len(url) > 1000:
        errors.setdefault(field, []).append(_("The address is too long."))
    elif not _literal_host_allowed(parts.hostname or ""):
        errors.setdefault(field, []).append(
            _("This address is on a network that deliveries may not reach; ask the operator to allow it.")
        )
    return url


def literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address ``host`` spells, in any form a resolver accepts, else None (a name).

    Besides the dotted quad, the C library's resolver (so every HTTP client) reads decimal
    (``2130706433``), hex (``0x7f.1``), octal (``017700000001``) and short (``127.1``) forms as
    IPv4 addresses: they are normalised here so the save-time check sees the real address.
    """
    host = host.strip().rstrip(".")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not host or not all(c in "0123456789abcdefxABCDEFX." for c in host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def _literal_host_allowed(host: str) -> bool:
    """Names are checked when a delivery connects (they may resolve differently by then)."""
    address = literal_address(host)
    return address is None or destination_allowed(address)


def _check_events(events: Sequence[str], allowed: Sequence[str], errors: dict[str, list[str]]) -> list[str]:
    chosen = list(dict.fromkeys(str(e) for e in events))
    unknown = [e for e in chosen if e not in allowed]
    if unknown:
        errors.setdefault("events", []).append(_("Unknown events: %s") % ", ".join(unknown))
    elif not chosen:
        errors.setdefault("events", []).append(_("Choose at least one event."))
    return chosen


def _check_name(name: str, errors: dict[str, list[str]]) -> str:
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    elif len(name) > 120:
        errors["name"] = [_("At most 120 characters.")]
    return name


def url_hint(url: str) -> str:
    """The address as shown in lists and logs: query values and a long last path part (the
    robot's token) cut to their last four characters, short ones hidden entirely."""

    def mask(value: str) -> str:
        return "…" + value[-4:] if len(value) >= 16 else "…"

    parts = urlsplit(url)
    segments = parts.path.split("/")
    if segments and len(segments[-1]) >= 16:
        segments[-1] = mask(segments[-1])
    query = "&".join(
        f"{name}={mask(value)}" for name, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    return f"{parts.scheme}://{parts.netloc}{'/'.join(segments)}{'?' + query if query else ''}"[:120]


def _refuse(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ServiceError(_("Please correct the errors below."), fields=errors)


def _audit(actor: User | None, action: str, target: Any, changes: dict[str, list[Any]]) -> None:
    forget_listeners()  # every audited change is one the event listener must see
    record_audit(
        actor=actor,
        action=f"integrations.{action}",
        target=target,
        changes=changes,
        organisation=getattr(target, "organisation", None),
    )


# --- chat robots -------------------------------------------------------------------------------


def _check_robot_secret(kind: str, secret: str, errors: dict[str, list[str]]) -> None:
    if secret and kind == RobotKind.WECOM:
        errors["secret"] = [_("WeCom group robots are not signed; leave the secret empty.")]
    elif len(secret) > 200:
        errors["secret"] = [_("At most 200 characters.")]


@transaction.atomic
def create_robot(
    *,
    actor: User | None,
    name: str,
    kind: str,
    webhook_url: str,
    events: Sequence[str],
    secret: str = "",
    organisation: Organisation | None = None,
    is_active: bool = True,
) -> ChatRobot:
    if actor is not None:
        require(actor, Capability.MANAGE_MACHINE_TOKENS)
    errors: dict[str, list[str]] = {}
    name = _check_name(name, errors)
    if kind not in RobotKind.values:
        errors["kind"] = [_("Unknown platform.")]
    url = _check_url(webhook_url, "webhook_url", errors)
    chosen = _check_events(events, ROBOT_EVENTS, errors)
    secret = (secret or "").strip()
    _check_robot_secret(kind, secret, errors)
    _refuse(errors)
    robot = ChatRobot.objects.create(
        name=name,
        kind=kind,
        webhook_url_encrypted=encrypt(url),
        url_hint=url_hint(url),
        secret_encrypted=encrypt(secret),
        events=chosen,
        organisation=organisation,
        is_active=is_active,
    )
    changes = changed_fields({}, snapshot(robot, ROBOT_FIELDS))
    changes["webhook_url"] = [None, robot.url_hint]
    if secret:
        changes["secret"] = [None, CHANGED]
    _audit(actor, "robot.create", robot, changes)
    return robot


@transaction.atomic
def update_robot(
    *,
    actor: User | None,
    robot: ChatRobot,
    webhook_url: str = "",
    secret: Any = UNCHANGED,
    **changes: Any,
) -> ChatRobot:
    """Change a robot; an empty ``webhook_url`` keeps the address, ``secret=""`` removes it."""
    if actor is not None:
        require(actor, Capability.MANAGE_MACHINE_TOKENS)
    robot = ChatRobot.objects.select_for_update().get(pk=robot.pk)
    unknown = set(changes) - set(ROBOT_FIELDS)
    if unknown:
        raise ServiceError(
            _("Unknown fields."), fields={n: [_("This field cannot be changed.")] for n in sorted(unknown)}
        )
    errors: dict[str, list[str]] = {}
    before = snapshot(robot, ROBOT_FIELDS)
    if "name" in changes:
        robot.name = _check_name(changes["name"], errors)
    if "kind" in changes:
        if changes["kind"] not in RobotKind.values:
            errors["kind"] = [_("Unknown platform.")]
        robot.kind = changes["kind"]
    if "events" in changes:
        robot.events = _check_events(changes["events"], ROBOT_EVENTS, errors)
    if "organisation" in changes:
        robot.organisation = changes["organisation"]
    if "is_active" in changes:
        robot.is_active = bool(changes["is_active"])
    diff = changed_fields(before, snapshot(robot, ROBOT_FIELDS))
    if webhook_url.strip():
        url = _check_url(webhook_url, "webhook_url", errors)
        if not errors.get("webhook_url") and url != decrypt(robot.webhook_url_encrypted):
            robot.webhook_url_encrypted, old_hint = encrypt(url), robot.url_hint
            robot.url_hint = url_hint(url)
            diff["webhook_url"] = [old_hint, robot.url_hint]
    new_secret = decrypt(robot.secret_encrypted) if secret is UNCHANGED else str(secret).strip()
    _check_robot_secret(robot.kind, new_secret, errors)
    _refuse(errors)
    if secret is not UNCHANGED and new_secret != decrypt(robot.secret_encrypted):
        had_secret = bool(robot.secret_encrypted)
        robot.secret_encrypted = encrypt(new_secret)
        diff["secret"] = [CHANGED if had_secret else None, CHANGED if new_secret else None]
    if not diff:
        return robot
    robot.updated_at = timezone.now()
    robot.save()
    _audit(actor, "robot.update", robot, diff)
    return robot


@transaction.atomic
def delete_robot(*, actor: User | None, robot: ChatRobot) -> None:
    """Delete a robot; its deliveries stay in the log under its name."""
    if actor is not None:
        require(actor, Capability.MANAGE_MACHINE_TOKENS)
    _audit(actor, "robot.delete", robot, changed_fields(snapshot(robot, ROBOT_FIELDS), {}))
    robot.delete()


# --- webhook subscriptions ---------------------------------------------------------------------


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(24)


@transaction.atomic
def create_subscription(
    *,
    actor: User | None,
    name: str,
    url: str,
    events: Sequence[str],
    secret: str = "",
    organisation: Organisation | None = None,
    is_active: bool = True,
) -> WebhookSubscription:
    """A subscription; without a ``secret`` one is generated (read it on the subscription page)."""
    if actor is not None:
        require(actor, Capability.MANAGE_MACHINE_TOKENS)
    errors: dict[str, list[str]] = {}
    name = _check_name(name, errors)
    url = _check_url(url, "url", errors)
    chosen = _check_events(events, WEBHOOK_EVENTS, errors)
    secret = (secret or "").strip() or new_webhook_secret()
    if len(secret) < 16 or len(secret) > 200:
        errors["secret"] = [_("Use 16 to 200 characters.")]
    _refuse(errors)
    subscription = WebhookSubscription.objects.create(
        name=name,
        url=url,
        secret_encrypted=encrypt(secret),
        events=chosen,
        organisation=organisation,
        is_active=is_active,
    )
    changes = changed_fields({}, snapshot(subscription, WEBHOOK_FIELDS))
    changes["secret"] = [None, CHANGED]
    _audit(actor, "webhook.create", subscription, changes)
    return subscription


@transaction.atomic
def update_subscription(
    *,
    actor: User | None,
    subscription: WebhookSubscription,
    secret: str = "",
    rotate_secret: bool = False,
    **changes: Any,
) -> WebhookSubscription:
    """Change a subscription; a new ``secret`` replaces the old one, ``rotate_secret`` draws one."""
    if actor is not None:
        require(actor, Capability.MANAGE_MACHINE_TOKENS)
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    unknown = set(changes) - set(WEBHOOK_FIELDS)
    if unknown:
        raise ServiceError(
            _("Unknown fields."), fields={n: [_("This field cannot be changed.")] for n in sorted(unknown)}
        )
    errors: dict[str, list[str]] = {}
    before = snapshot(subscription, WEBHOOK_FIELDS)
    if "name" in changes:
        subscription.name = _check_name(changes["name"], errors)
    if "url" in changes:
        subscription.url = _check_url(changes["url"], "url", errors)
    if "events" in changes:
        subscription.events = _check_events(changes["events"], WEBHOOK_EVENTS, errors)
    if "organisation" in changes:
        subscription.organisation = changes["organisation"]
    if "is_active" in changes:
        subscription.is_active = bool(changes["is_active"])
    new_secret = new_webhook_secret() if rotate_secret else (secret or "").strip()
    if new_secret and not 16 <= len(new_secret) <= 200:
        errors["secret"] = [_("Use 16 to 200 characters.")]
    _refuse(errors)
    diff = changed_fields(before, snapshot(subscription, WEBHOOK_FIELDS))
    if new_secret and new_secret != decrypt(subscription.secret_encrypted):
        subscription.secret_encrypted = encrypt(new_secret)
        diff["secret"] = [CHANGED, CHANGED]
    if not diff:
        return subscription
    subscription.updated_at = timezone.now()
    subscription.save()
    _audit(actor, "webhook.update", subscription, diff)
    return subscription


@transaction.atomic
def delete_subscription(*, actor: User | None, subscription: WebhookSubscription) -> None:
    if actor is not None:
        require(actor, Capability.MANAGE_MACHINE_TOKENS)
    _audit(actor, "webhook.delete", subscription, changed_fields(snapshot(subscription, WEBHOOK_FIELDS), {}))
    subscription.delete()
