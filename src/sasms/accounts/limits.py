"""Failures counted per client address (django-ratelimit, in the shared cache).

A rate such as ``30/15m`` allows that many failures in the window; the next attempt is refused
before it is checked, until the window passes. Successes are never counted.
"""

from django.http import HttpRequest
from django_ratelimit.core import get_usage  # type: ignore[import-untyped]

from sasms.core.middleware import ratelimit_key_ip


def _has_address(request: HttpRequest) -> bool:
    # A request without a client address (an in-process client, a misconfigured proxy chain) has
    # nothing to count by; the per-user limits still apply to it.
    return bool(ratelimit_key_ip(request))


def failed_too_often(request: HttpRequest, *, group: str, rate: str) -> bool:
    if not _has_address(request):
        return False
    usage = get_usage(request, group=group, key="ip", rate=rate, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


def count_failure(request: HttpRequest, *, group: str, rate: str) -> None:
    if _has_address(request):
        get_usage(request, group=group, key="ip", rate=rate, increment=True)
