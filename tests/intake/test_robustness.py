"""Property tests: no input makes the adapters raise anything but their documented error."""

import json
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sasms.intake.alertmanager import parse_alertmanager
from sasms.intake.alerts import FieldError, ValidationError
from sasms.intake.email import parse_email
from sasms.intake.generic_alerts import parse_generic
from sasms.intake.zabbix import parse_zabbix
from tests.corpus import CORPUS_DIR

pytestmark = pytest.mark.corpus

EMAILS = [p.read_bytes() for p in sorted((CORPUS_DIR / "email").glob("*.eml"))]
PAYLOADS = [json.loads(p.read_bytes()) for p in sorted((CORPUS_DIR / "alertmanager").glob("*.json"))]
NOISE = [b"=?", b"?=", b"=?gb2312?B?", b"\r\n", b"--", b'"', b";", b"\x80\xff\x00", b"boundary=", b"*0*="]


@st.composite
def mutated_email(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(EMAILS)))
    for _ in range(draw(st.integers(1, 20))):
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.integers(0, 2))
        if action == 0 and data:
            data[pos] = draw(st.integers(0, 255))
        elif action == 1:
            data[pos:pos] = draw(st.sampled_from(NOISE))
        else:
            del data[pos : pos + draw(st.integers(1, 300))]
    return bytes(data)


@settings(max_examples=150, deadline=None)
@given(mutated_email())
def test_email_parser_never_raises(raw: bytes):
    message = parse_email(raw)
    assert isinstance(message.text, str)
    assert all(a.size == len(a.data) for a in message.attachments)


JSON_LEAF = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
JSON = st.recursive(
    JSON_LEAF,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def damaged_payload(draw: st.DrawFn) -> object:
    payload = json.loads(json.dumps(draw(st.sampled_from(PAYLOADS))))
    alert = payload["alerts"][0]
    target = draw(st.sampled_from([payload, alert, alert["labels"]]))
    key = draw(st.sampled_from(sorted(target)))
    if draw(st.booleans()):
        target[key] = draw(JSON)
    else:
        del target[key]
    return payload


def errors_of(parse: Callable[[str], object], body: str) -> tuple[FieldError, ...] | None:
    """The field errors ``parse`` reports, or None when it accepts the body."""
    try:
        parse(body)
    except ValidationError as exc:
        return exc.errors
    return None


@settings(max_examples=150, deadline=None)
@given(damaged_payload() | JSON)
def test_alert_parsers_raise_only_validation_errors(payload: object):
    body = json.dumps(payload)
    for parse in (parse_alertmanager, parse_generic, parse_zabbix):
        errors = errors_of(parse, body)
        assert errors is None or (errors and all(e.path and e.code for e in errors))
