"""Chat-robot messages in each platform's webhook format, in Chinese and English at once.

A chat group mixes readers of both languages, so every line carries the Chinese text and the
English one (``硬件 / Hardware``); the texts come from the translation catalogue.
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from sasms.integrations.choices import EventType, RobotKind
from sasms.integrations.signing import dingtalk_sign, feishu_sign
from sasms.sla.models import ClockKind
from sasms.tickets.choices import Category, ComponentArea, Priority, Status

WECOM_MAX_BYTES = 4096
TEST_EVENT = "test"


def both(text: Callable[[], str]) -> str:
    """``text()`` in Chinese and in English, joined with " / " when they differ."""
    with translation.override("zh-hans"):
        chinese = text()
    with translation.override("en"):
        english = text()
    return chinese if chinese == english else f"{chinese} / {english}"


def _choice_label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _headline(event_type: str, payload: dict[str, Any]) -> Callable[[], str]:
    ticket = payload.get("ticket", {})
    data = payload.get("event", {}).get("data", {}) or {}
    priority = str(ticket.get("priority", ""))
    if event_type == EventType.CREATED_URGENT:
        return lambda: _("New %(priority)s service request") % {"priority": priority}
    if event_type == EventType.SLA_BREACHED:
        clock = str(data.get("clock", ""))
        return lambda: _("SLA breached: %(clock)s") % {"clock": _choice_label(ClockKind, clock)}
    if event_type == EventType.ESCALATED:
        if data.get("direction") == "escalate":
            tier = data.get("to", "")
            return lambda: _("Escalated to tier %(tier)s") % {"tier": tier}
        return lambda: _("Escalated to management")
    if event_type == EventType.RESOLVED:
        return lambda: _("Service request resolved")
    if event_type == TEST_EVENT:
        return lambda: _("Test message from SASMS")
    return lambda: _choice_label(EventType, event_type)


def _colour(event_type: str, priority: str) -> tuple[str, str]:
    """(WeCom font colour, Feishu card template) for the headline."""
    if event_type == EventType.RESOLVED:
        return "info", "green"
    if event_type in (EventType.SLA_BREACHED, EventType.ESCALATED) or priority == Priority.P1:
        return "warning", "red"
    return "comment", "orange"


@dataclass(frozen=True)
class RobotMessage:
    title: str
    lines: list[str]
    link: str
    wecom_colour: str
    feishu_template: str


def compose(event_type: str, payload: dict[str, Any]) -> RobotMessage:
    ticket = payload.get("ticket", {})
    organisation = ticket.get("organisation") or {}
    status, category = str(ticket.get("status", "")), str(ticket.get("category", ""))
    component, priority = str(ticket.get("component", "")), str(ticket.get("priority", ""))
    lines: list[str] = []
    if ticket.get("number"):
        lines.append(f"**{ticket['number']}** {ticket.get('title', '')}")
        lines.append(f"{both(lambda: _('Customer'))}: {organisation.get('name', '')}")
        lines.append(
            f"{both(lambda: _('Priority'))}: {priority} · "
            f"{both(lambda: _('Status'))}: {both(lambda: _choice_label(Status, status))}"
        )
        detail = f"{both(lambda: _('Category'))}: {both(lambda: _choice_label(Category, category))}"
        if component:
            component_label = both(lambda: _choice_label(ComponentArea, component))
            detail += f" · {both(lambda: _('Component'))}: {component_label}"
        lines.append(detail)
        server = ticket.get("server") or {}
        if server:
            lines.append(
                f"{both(lambda: _('Server'))}: {server.get('serial', '')} {server.get('hostname', '')}"
            )
    body = str(payload.get("event", {}).get("body", "") or "").strip()
    if body:
        lines.append(body[:500])
    wecom_colour, feishu_template = _colour(event_type, priority)
    return RobotMessage(
        title=both(_headline(event_type, payload)),
        lines=lines,
        link=str(ticket.get("url", "")),
        wecom_colour=wecom_colour,
        feishu_template=feishu_template,
    )


def _markdown(message: RobotMessage, *, quote: str) -> str:
    text = "\n".join(f"{quote}{line}" for line in message.lines)
    if message.link:
        text += f"\n\n[{both(lambda: _('Open the request'))}]({message.link})"
    return text + "\n\n— SASMS"


def _fit_bytes(text: str, limit: int) -> str:
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    return encoded[: limit - 3].decode(errors="ignore") + "…"


@dataclass(frozen=True)
class OutgoingRequest:
    url: str
    body: bytes
    headers: dict[str, str]


def robot_request(
    *, kind: str, url: str, secret: str, event_type: str, payload: dict[str, Any], now: float | None = None
) -> OutgoingRequest:
    """The HTTP request that posts ``payload`` to a robot of ``kind`` at ``url``."""
    message = compose(event_type, payload)
    moment = time.time() if now is None else now
    body: dict[str, Any]
    if kind == RobotKind.WECOM:
        content = f'<font color="{message.wecom_colour}">**{message.title}**</font>\n' + _markdown(
            message, quote="> "
        )
        body = {"msgtype": "markdown", "markdown": {"content": _fit_bytes(content, WECOM_MAX_BYTES)}}
    elif kind == RobotKind.DINGTALK:
        text = f"### {message.title}\n\n" + _markdown(message, quote="> ")
        body = {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}}
        if secret:
            timestamp_ms = int(moment * 1000)
            separator = "&" if "?" in url else "?"
            url = f"{url}{separator}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"
    elif kind == RobotKind.FEISHU:
        body = {
            "msg_type": "interactive",
            "card": {
                "config": {"wide_screen_mode": True},
                "header": {
                    "title": {"tag": "plain_text", "content": message.title},
                    "template": message.feishu_template,
                },
                "elements": [
                    {"tag": "div", "text": {"tag": "lark_md", "content": _markdown(message, quote="")}}
                ],
            },
        }
        if secret:
            timestamp_s = int(moment)
            body = {"timestamp": str(timestamp_s), "sign": feishu_sign(secret, timestamp_s), **body}
    else:
        raise ValueError(f"unknown robot kind {kind!r}")
    return OutgoingRequest(
        url=url,
        body=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
