"""One outbound ``POST`` with a time limit, no redirects and a bounded read of the answer.

The connection goes only to an address that :func:`destination_allowed` accepts, checked on the
address actually connected to (after DNS), so a name that resolves — or re-resolves — to an
internal address is refused as well as a literal one.
"""

import functools
import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

DEFAULT_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 64 * 1024
USER_AGENT = "SASMS-Integrations/1"


@dataclass(frozen=True)
class HttpResult:
    status: int | None
    body: bytes
    error: str
    duration_ms: int


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A receiver that moved must be re-configured; a POST is never re-sent elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class DestinationRefused(OSError):
    """Every address of the destination is outside what outbound deliveries may reach."""


@functools.cache
def _allowed_networks(configured: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    try:
        return tuple(ipaddress.ip_network(net, strict=False) for net in configured)
    except ValueError as exc:
        raise ImproperlyConfigured(f"SASMS_OUTBOUND_ALLOWED_NETWORKS: {exc}") from exc


@register()
def check_outbound_networks(**_kwargs: object) -> list[CheckMessage]:
    """A malformed network is reported at start-up, not when the first delivery tries to connect."""
    try:
        _allowed_networks(tuple(getattr(settings, "SASMS_OUTBOUND_ALLOWED_NETWORKS", ()) or ()))
    except ImproperlyConfigured as exc:
        hint = "Give networks in CIDR form, e.g. 10.20.0.0/16."
        return [Error(str(exc), hint=hint, id="integrations.E002")]
    return []


def destination_allowed(address: IPAddress) -> bool:
    """Public addresses, and non-public ones inside ``SASMS_OUTBOUND_ALLOWED_NETWORKS``."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_global and not address.is_multicast:
        return True
    configured = tuple(getattr(settings, "SASMS_OUTBOUND_ALLOWED_NETWORKS", ()) or ())
    networks = _allowed_networks(configured)
    return any(address in network for network in networks if network.version == address.version)


def _refused(host: str, addresses: list[str]) -> DestinationRefused:
    return DestinationRefused(
        f"{host} resolves to {', '.join(dict.fromkeys(addresses))}, outside the networks outbound "
        "deliveries may reach (SASMS_OUTBOUND_ALLOWED_NETWORKS)"
    )


def _connect_to_allowed(
    address: tuple[str, int], timeout: float | None = None, source_address: tuple[str, int] | None = None
) -> socket.socket:
    """``socket.create_connection`` that skips (and finally refuses) addresses not allowed."""
    host, port = address
    refused: list[str] = []
    last_error: OSError | None = None
    for family, kind, proto, _name, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        if not destination_allowed(ipaddress.ip_address(sockaddr[0])):
            refused.append(str(sockaddr[0]))
            continue
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not None:
                sock.settimeout(timeout)
            if source_address is not None:
                sock.bind(source_address)
            sock.connect(sockaddr)
        except OSError as exc:
            sock.close()
            last_error = exc
            continue
        return sock
    if last_error is not None:
        raise last_error
    raise _refused(host, refused)


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_to_allowed


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_to_allowed


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_GuardedHTTPConnection, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_GuardedHTTPSConnection, req, context=self._context)  # type: ignore[attr-defined]


# No proxy from the environment: through a proxy the address connected to is the proxy's, so a
# proxy is used only when configured (SASMS_OUTBOUND_PROXY), with the receiver checked first.
_opener = urllib.request.OpenerDirector()
for _handler in (
    urllib.request.UnknownHandler(),
    _GuardedHTTPHandler(),
    _GuardedHTTPSHandler(),
    urllib.request.HTTPDefaultErrorHandler(),
    _NoRedirects(),
    urllib.request.HTTPErrorProcessor(),
):
    _opener.add_handler(_handler)


@functools.cache
def _proxied_opener(proxy: str) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({"http": proxy, "https": proxy}), _NoRedirects
    )


def _check_receiver(host: str) -> None:
    """Through a proxy, every address the receiver's name has here must be allowed. A name this
    host cannot resolve is left to the proxy: intranet servers often resolve Internet names only
    there, and the proxy is the operator's own egress control."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return
    refused = [str(info[4][0]) for info in infos if not destination_allowed(ipaddress.ip_address(info[4][0]))]
    if refused:
        raise _refused(host, refused)


def timeout() -> float:
    return float(getattr(settings, "SASMS_INTEGRATIONS_HTTP_TIMEOUT", DEFAULT_TIMEOUT))


def post(url: str, body: bytes, headers: dict[str, str]) -> HttpResult:
    if not url.lower().startswith(("http://", "https://")):
        return HttpResult(None, b"", "only http and https addresses are allowed", 0)
    request = urllib.request.Request(  # noqa: S310 -- scheme checked above
        url, data=body, method="POST", headers={"User-Agent": USER_AGENT, **headers}
    )
    started = time.monotonic()
    opener = _opener
    proxy = str(getattr(settings, "SASMS_OUTBOUND_PROXY", "") or "")
    if proxy:
        try:
            _check_receiver(urlsplit(url).hostname or "")
        except DestinationRefused as exc:
            return HttpResult(None, b"", f"refused: {exc}"[:500], _ms(started))
        opener = _proxied_opener(proxy)
    try:
        with opener.open(request, timeout=timeout()) as response:
            data = response.read(MAX_RESPONSE_BYTES)
            status = int(response.status)
        error = ""
    except urllib.error.HTTPError as exc:  # a 4xx/5xx answer still has a status and a body
        status = int(exc.code)
        try:
            data = exc.read(MAX_RESPONSE_BYTES)
        except OSError:
            data = b""
        error = f"HTTP {exc.code} {exc.reason}"
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, DestinationRefused):
            return HttpResult(None, b"", f"refused: {exc.reason}"[:500], _ms(started))
        return HttpResult(None, b"", f"{type(exc).__name__}: {exc.reason}"[:500], _ms(started))
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return HttpResult(None, b"", f"{type(exc).__name__}: {reason}"[:500], _ms(started))
    return HttpResult(status, data, error, _ms(started))


def _ms(started: float) -> int:
    return max(0, round((time.monotonic() - started) * 1000))
