"""Signatures and message formats, checked against each platform's documented algorithm.

The expected values are computed here independently, step by step as the documentation writes
them, rather than by calling the code under test.
"""

import base64
import hashlib
import hmac
import json
import urllib.parse

from sasms.integrations import signing
from sasms.integrations.choices import EventType, RobotKind
from sasms.integrations.messages import robot_request

SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"


def test_dingtalk_sign_follows_the_documented_steps() -> None:
    timestamp = 1735689600123
    # 1. string_to_sign = timestamp + "\n" + secret; 2. HmacSHA256 with the secret as key;
    # 3. Base64; 4. urlEncode (UTF-8).
    string_to_sign = f"{timestamp}\n{SECRET}".encode()
    mac = hmac.new(SECRET.encode(), string_to_sign, hashlib.sha256).digest()
    expected = urllib.parse.quote_plus(base64.b64encode(mac))
    assert signing.dingtalk_sign(SECRET, timestamp) == expected
    assert "%" in expected or "+" not in expected  # the value is URL-safe as it stands


def test_feishu_sign_uses_the_string_to_sign_as_the_key_of_an_empty_message() -> None:
    timestamp = 1735689600
    key = f"{timestamp}\n{SECRET}".encode()
    expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert signing.feishu_sign(SECRET, timestamp) == expected
    # A known pair from the documentation's own example algorithm, fixed here.
    assert (
        signing.feishu_sign("demo", 1599360473)
        == base64.b64encode(hmac.new(b"1599360473\ndemo", digestmod=hashlib.sha256).digest()).decode()
    )


def test_webhook_signature_covers_timestamp_and_body() -> None:
    body = b'{"event": {"type": "ticket.created"}}'
    expected = "sha256=" + hmac.new(b"whsec_test", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signing.webhook_signature("whsec_test", 1700000000, body) == expected
    assert signing.verify_webhook_signature("whsec_test", "1700000000", body, expected)
    assert not signing.verify_webhook_signature("whsec_test", "1700000001", body, expected)
    assert not signing.verify_webhook_signature("whsec_test", "1700000000", body + b" ", expected)
    assert not signing.verify_webhook_signature("whsec_test", "soon", body, expected)


PAYLOAD = {
    "event": {"type": EventType.CREATED_URGENT, "body": "", "data": {"priority": "P1"}},
    "ticket": {
        "number": "SR202601010001",
        "title": "主板故障无法开机 / Mainboard fault",
        "url": "http://sasms.example/requests/SR202601010001/",
        "status": "new",
        "priority": "P1",
        "category": "hardware",
        "component": "mainboard",
        "organisation": {"id": 1, "code": "a", "name": "甲银行"},
        "server": {"id": 1, "serial": "J30ABCD", "hostname": "db01"},
    },
}


def test_wecom_markdown_message() -> None:
    request = robot_request(
        kind=RobotKind.WECOM,
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
        secret="",
        event_type=EventType.CREATED_URGENT,
        payload=PAYLOAD,
    )
    body = json.loads(request.body)
    assert request.url.endswith("?key=abc")
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert content.startswith('<font color="warning">**')
    assert "New P1 service request" in content
    assert "SR202601010001" in content
    assert "甲银行" in content
    assert "硬件" in content
    assert "Hardware" in content
    assert "[" in content
    assert "](http://sasms.example/requests/SR202601010001/)" in content
    assert len(body["markdown"]["content"].encode()) <= 4096


def test_dingtalk_markdown_message_is_signed_in_the_query() -> None:
    request = robot_request(
        kind=RobotKind.DINGTALK,
        url="https://oapi.dingtalk.com/robot/send?access_token=tok",
        secret=SECRET,
        event_type=EventType.RESOLVED,
        payload=PAYLOAD,
        now=1735689600.5,
    )
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.url).query)
    assert query["access_token"] == ["tok"]
    assert query["timestamp"] == ["1735689600500"]
    mac = hmac.new(SECRET.encode(), f"1735689600500\n{SECRET}".encode(), hashlib.sha256).digest()
    assert query["sign"] == [base64.b64encode(mac).decode()]  # parse_qs undoes the URL encoding
    body = json.loads(request.body)
    assert body["msgtype"] == "markdown"
    assert "resolved" in body["markdown"]["title"]
    assert body["markdown"]["text"].startswith("### ")


def test_feishu_card_carries_timestamp_and_sign_in_the_body() -> None:
    request = robot_request(
        kind=RobotKind.FEISHU,
        url="https://open.feishu.cn/open-apis/bot/v2/hook/xyz",
        secret=SECRET,
        event_type=EventType.SLA_BREACHED,
        payload={
            **PAYLOAD,
            "event": {"type": "ticket.sla_breached", "data": {"clock": "resolution"}, "body": ""},
        },
        now=1735689600.9,
    )
    body = json.loads(request.body)
    assert body["timestamp"] == "1735689600"
    key = f"1735689600\n{SECRET}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["msg_type"] == "interactive"
    assert body["card"]["header"]["template"] == "red"
    assert "SLA breached: Resolution" in body["card"]["header"]["title"]["content"]
    assert body["card"]["elements"][0]["text"]["tag"] == "lark_md"


def test_unsigned_robots_have_no_signature() -> None:
    request = robot_request(
        kind=RobotKind.FEISHU, url="https://x/hook", secret="", event_type=EventType.RESOLVED, payload=PAYLOAD
    )
    assert "sign" not in json.loads(request.body)
    plain = robot_request(
        kind=RobotKind.DINGTALK,
        url="https://x/robot/send?access_token=t",
        secret="",
        event_type="test",
        payload={},
    )
    assert "sign=" not in plain.url
