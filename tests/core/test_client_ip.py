"""The client address behind reverse proxies: trusted hops only, never a forged X-Forwarded-For."""

import pytest
from django.http import HttpRequest
from django.test import Client, RequestFactory, override_settings

from sasms.core.middleware import client_ip, ratelimit_key_ip

FORGED_AND_REAL = "6.6.6.6, 203.0.113.9"  # the client wrote 6.6.6.6; nginx appended 203.0.113.9


def request_from(remote: str, forwarded: str | None = None) -> HttpRequest:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_without_proxies_the_forwarded_header_is_ignored() -> None:
    assert client_ip(request_from("198.51.100.7", FORGED_AND_REAL)) == "198.51.100.7"


@override_settings(SASMS_PROXY_COUNT=1)
def test_one_proxy_trusts_only_the_entry_it_appended() -> None:
    request = request_from("10.0.0.2", FORGED_AND_REAL)
    assert client_ip(request) == "203.0.113.9"
    assert ratelimit_key_ip(request) == "203.0.113.9"


@override_settings(SASMS_PROXY_COUNT=2)
def test_two_proxies_take_the_second_entry_from_the_right() -> None:
    request = request_from("10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.1")
    assert client_ip(request) == "203.0.113.9"


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address"])
@override_settings(SASMS_PROXY_COUNT=1)
def test_a_missing_or_broken_header_falls_back_to_the_peer(forwarded: str | None) -> None:
    assert client_ip(request_from("10.0.0.2", forwarded)) == "10.0.0.2"


@pytest.mark.django_db
@override_settings(
    SASMS_PROXY_COUNT=1, SASMS_METRICS_TOKEN="", SASMS_METRICS_ALLOWED_NETWORKS=["192.0.2.0/24"]
)
def test_metrics_allow_list_sees_the_client_behind_the_proxy(client: Client) -> None:
    allowed = client.get("/metrics", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.5")
    refused = client.get("/metrics", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.5, 10.9.9.9")
    assert (allowed.status_code, refused.status_code) == (200, 403)
