"""Is the polled BMC the server's own? Decided in the poll's transaction, before anything is written.

* **Match** — one of the BMC's systems has the server's serial number (trimmed, case-insensitive),
  or, where the BMC reports no usable serial, the UUID recorded when it last matched. The poll is
  then cut down to that system (a blade controller's other nodes are other servers).
* **No serial recorded on the server** — the BMC's serial is taken when it reports exactly one,
  written to the server through the assets service as the intake robot, and audited on both sides.
* **Mismatch** — nothing of the poll is written (no components, requests, faults or log position):
  the endpoint says "identity mismatch", an audit entry records what the BMC reported, and the
  administrators are e-mailed through the outbox once per mismatch (not at every poll).
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Role, capabilities_of
from sasms.assets import services as asset_services
from sasms.assets.models import Server
from sasms.core.errors import Conflict, ServiceError
from sasms.core.outbox import enqueue_email
from sasms.intake.choices import BmcIdentity
from sasms.intake.models import BmcEndpoint
from sasms.intake.redfish import PollResult
from sasms.intake.redfish.identity import (
    Candidate,
    Identity,
    candidates_of,
    check_identity,
    normalise_serial,
    scoped,
)
from sasms.intake.services.common import CONFIGURE, audit, clip

Reason = Callable[[], str]  # worded when called: in the language active then (each recipient's own)


def verify_identity(
    *, endpoint: BmcEndpoint, server: Server, result: PollResult, robot: User, now: datetime.datetime
) -> tuple[PollResult | None, str]:
    """The poll limited to the server's own system, or ``None`` and why the BMC is not the server's.

    ``server`` must be locked by the caller; its serial is updated in place when it is adopted.
    """
    identity = check_identity(result, serial=server.serial, known_uuid=endpoint.system_uuid)
    adopted = ""
    if not identity.ok and not normalise_serial(server.serial):
        adopted, problem = _adopt_serial(endpoint, server, identity, robot)
        if problem is not None:
            _mismatch(endpoint, server, identity, robot, now, problem)
            return None, problem()
        identity = check_identity(result, serial=server.serial, known_uuid=endpoint.system_uuid)
    if not identity.ok:
        serial = server.serial

        def reason() -> str:
            return _reason(serial, identity)

        _mismatch(endpoint, server, identity, robot, now, reason)
        return None, reason()
    _verified(endpoint, server, identity, robot, now, adopted)
    return scoped(result, identity), ""


def _reported(identity: Identity) -> str:
    return ", ".join(identity.reported_serials)


def _reason(serial: str, identity: Identity) -> str:
    if not identity.candidates:
        return _("The BMC lists no computer system whose serial number could be compared with the server's.")
    if not identity.reported_serials:
        return _(
            "The BMC reports no usable serial number and no UUID seen before; server %(serial)s "
            "cannot be confirmed. Nothing was recorded."
        ) % {"serial": serial}
    return _(
        "The BMC reports serial number %(reported)s, but the server is %(serial)s. Nothing was recorded."
    ) % {"reported": _reported(identity), "serial": serial}


def _adopt_serial(
    endpoint: BmcEndpoint, server: Server, identity: Identity, robot: User
) -> tuple[str, Reason | None]:
    """Record the BMC's serial on a server that has none yet: (serial, None) or ("", why not)."""
    serials = identity.reported_serials

    def ambiguous() -> str:
        return _(
            "The server has no serial number recorded and the BMC does not report exactly one "
            "(%(reported)s); it cannot be confirmed. Nothing was recorded."
        ) % {"reported": _reported(identity) or "—"}

    if len(serials) != 1:
        return "", ambiguous
    serial = clip(serials[0], 64)
    try:
        updated = asset_services.update_server(actor=robot, server=server, serial=serial)
    except Conflict:  # another server of this vendor has that serial: it is not this one

        def taken() -> str:
            return _(
                "The server has no serial number recorded; the BMC reports %(reported)s, which "
                "belongs to another server. Nothing was recorded."
            ) % {"reported": serial}

        return "", taken
    except ServiceError as error:
        detail = error.message

        def refused() -> str:
            return _(
                "The server has no serial number recorded; the BMC's serial number %(reported)s "
                "could not be recorded on it (%(error)s). Nothing was recorded."
            ) % {"reported": serial, "error": detail}

        return "", refused
    server.serial = updated.serial
    audit(
        robot,
        "bmc.identity_recorded",
        endpoint,
        {"server.serial": ["", serial]},
        server.organisation,
    )
    return serial, None


def _verified(
    endpoint: BmcEndpoint,
    server: Server,
    identity: Identity,
    robot: User,
    now: datetime.datetime,
    adopted: str,
) -> None:
    previous = BmcEndpoint.objects.filter(pk=endpoint.pk).values_list("identity_status", flat=True).get()
    values: dict[str, Any] = {
        "identity_status": BmcIdentity.VERIFIED,
        "identity_checked_at": now,
        "identity_mismatch_since": None,
        "reported_serial": clip(", ".join(identity.matched_serials), 300),
        "system_uuid": identity.matched_uuid or endpoint.system_uuid,
    }
    BmcEndpoint.objects.filter(pk=endpoint.pk).update(**values)
    for name, value in values.items():
        setattr(endpoint, name, value)
    if previous != BmcIdentity.VERIFIED and not adopted:
        audit(
            robot,
            "bmc.identity_verified",
            endpoint,
            {"identity": [previous, BmcIdentity.VERIFIED], "serial": [None, values["reported_serial"]]},
            server.organisation,
        )


def _mismatch(
    endpoint: BmcEndpoint,
    server: Server,
    identity: Identity,
    robot: User,
    now: datetime.datetime,
    reason: Reason,
) -> None:
    current = (
        BmcEndpoint.objects.filter(pk=endpoint.pk).values("identity_status", "identity_mismatch_since").get()
    )
    since = current["identity_mismatch_since"] or now
    values: dict[str, Any] = {
        "identity_status": BmcIdentity.MISMATCH,
        "identity_checked_at": now,
        "identity_mismatch_since": since,
        "reported_serial": clip(_reported(identity), 300),
    }
    BmcEndpoint.objects.filter(pk=endpoint.pk).update(**values)
    for name, value in values.items():
        setattr(endpoint, name, value)
    if current["identity_mismatch_since"] is not None:
        return  # already known and announced: a mismatch is reported once, not at every poll
    audit(
        robot,
        "bmc.identity_mismatch",
        endpoint,
        {
            "identity": [current["identity_status"], BmcIdentity.MISMATCH],
            "serial": [server.serial, values["reported_serial"] or None],
        },
        server.organisation,
    )
    _tell_administrators(endpoint, server, since, reason)


def _administrators() -> dict[str, str]:
    roles = [role for role in Role if CONFIGURE in capabilities_of(role)]
    users = User.objects.filter(role__in=roles, is_active=True, is_machine=False).exclude(email="")
    return {u.email.lower(): u.language or settings.LANGUAGE_CODE for u in users.order_by("pk")}


def _tell_administrators(
    endpoint: BmcEndpoint, server: Server, since: datetime.datetime, reason: Reason
) -> None:
    link = settings.SASMS_BASE_URL.rstrip("/") + reverse("intake:bmc_edit", args=[endpoint.pk])
    for address, language in sorted(_administrators().items()):
        with translation.override(language):
            values = {"address": endpoint.base_url, "server": server.serial}
            subject = _("BMC %(address)s is not server %(server)s: polling writes nothing") % values
            intro = (
                _(
                    "The BMC registered for server %(server)s at %(address)s failed the identity check. "
                    "Its faults and inventory are not recorded until the registration is corrected."
                )
                % values
            )
            body = f"{intro}\n\n{reason()}\n\n{link}\n"
        enqueue_email(
            to=[address],
            subject=subject,
            body=body,
            idempotency_key=f"intake:bmc-identity:{endpoint.pk}:{since.isoformat()}:{address}",
        )


def neighbours(*, server: Server, reported: PollResult) -> list[tuple[Server, PollResult]]:
    """The BMC's other computer systems that are servers of the same organisation, each with its part
    of the poll: a blade controller or multi-node chassis manager maps every node to its own server
    by serial number. Nodes that match no server are left out; what belongs to the enclosure stays
    with ``server`` (the one the BMC is registered on).
    """
    if not reported.systems:
        return []
    mine = normalise_serial(server.serial)
    by_serial: dict[str, list[Candidate]] = {}
    for candidate in candidates_of(reported):
        serial = normalise_serial(candidate.serial)
        if serial and serial != mine:
            by_serial.setdefault(serial, []).append(candidate)
    if not by_serial:
        return []
    wanted = Q()
    for listed in by_serial.values():
        wanted |= Q(serial__iexact=listed[0].serial.strip())
    candidates = candidates_of(reported)
    found: list[tuple[Server, PollResult]] = []
    others = Server.objects.filter(wanted, organisation_id=server.organisation_id).exclude(pk=server.pk)
    for other in others.select_related("organisation").order_by("pk"):
        group = by_serial.get(normalise_serial(other.serial))
        if group:
            identity = Identity(matched=tuple(group), candidates=candidates)
            found.append((other, scoped(reported, identity, shared=False)))
    return found
