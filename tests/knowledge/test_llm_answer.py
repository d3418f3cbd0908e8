"""An answer written by a language model through an OpenAI-compatible endpoint, and the ask box.

The model is a local HTTP server speaking the chat-completions format: it records what it was
sent and answers as told (citing, not citing, failing, too slow).
"""

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

from sasms.accounts.models import User
from sasms.core.search.models import Audience
from sasms.knowledge.llm import masked
from sasms.knowledge.models import Article
from sasms.tickets.models import Ticket
from sasms.tickets.services import create_ticket
from tests.knowledge.conftest import Publish

pytestmark = pytest.mark.django_db

FAN_BODY = (
    "## 现象\n\nBMC 报风扇转速低告警。\n\n## 原因\n\n风扇老化或堵转。\n\n"
    "## 解决方法\n\n1. 检查进风温度。\n2. 在线更换风扇模块。\n"
)


@dataclass
class FakeModel:
    mode: str = "cite"  # cite | nocite | error | slow
    cite: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


@contextmanager
def serve(model: FakeModel) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            model.received.append(body)
            model.headers.append(dict(self.headers))
            if self.path != "/v1/chat/completions" or model.mode == "error":
                self.send_response(500)
                self.end_headers()
                return
            if model.mode == "slow":
                time.sleep(1.5)
            text = (
                f"1. 检查进风温度。\n2. 在线更换风扇模块 [{model.cite}]。<script>x</script>"
                if model.mode != "nocite"
                else "风扇需要更换。"
            )
            answer = {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "model": body.get("model"),
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                ],
            }
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except OSError:
                return  # the client gave up (timeout)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def fan(make_article: Callable[..., Article], publish: Publish) -> Article:
    return publish(make_article(title="风扇故障或转速异常告警", body=FAN_BODY, audience=Audience.CUSTOMER))


@pytest.fixture
def model(settings: Any, fan: Article) -> Iterator[FakeModel]:
    fake = FakeModel(cite=fan.number)
    with serve(fake) as url:
        settings.SASMS_KB_LLM_URL = url
        settings.SASMS_KB_LLM_MODEL = "qwen2.5-7b-instruct"
        settings.SASMS_KB_LLM_API_KEY = "sk-local"
        settings.SASMS_KB_LLM_TIMEOUT = 1
        settings.SASMS_KB_LLM_SEND_CUSTOMER_DATA = False
        yield fake


def test_off_by_default_nothing_is_sent(
    fan: Article, customer_user: User, client_for: Callable[[User], Client]
):
    body = client_for(customer_user).get("/kb/search/", {"q": "风扇告警"}).content.decode()
    assert "在线更换风扇模块" in body  # the extractive answer
    assert 'data-testid="kb-answer-generated"' not in body


def test_the_model_answers_citing_the_article(
    model: FakeModel, fan: Article, customer_user: User, client_for: Callable[[User], Client]
):
    body = (
        client_for(customer_user)
        .get("/kb/search/", {"q": "风扇告警 server SN CN7475123A01"})
        .content.decode()
    )
    assert 'data-testid="kb-answer-generated"' in body
    assert f"/kb/articles/{fan.pk}/" in body
    assert "<script>x</script>" not in body  # never taken as HTML
    assert "&lt;script&gt;" in body
    [sent] = model.received
    assert sent["model"] == "qwen2.5-7b-instruct"
    assert model.headers[0]["Authorization"] == "Bearer sk-local"
    prompt = sent["messages"][1]["content"]
    assert fan.number in prompt
    assert "在线更换风扇模块" in prompt
    assert "CN7475123A01" not in prompt  # customer data masked unless allowed
    assert "[serial]" in prompt


@pytest.mark.parametrize("mode", ["nocite", "error", "slow"])
def test_a_failing_or_ungrounded_model_falls_back_to_the_passage(
    mode: str, model: FakeModel, customer_user: User, client_for: Callable[[User], Client]
):
    model.mode = mode
    body = client_for(customer_user).get("/kb/search/", {"q": "风扇告警"}).content.decode()
    assert len(model.received) == 1
    assert 'data-testid="kb-answer-generated"' not in body
    assert "在线更换风扇模块" in body


def test_masking_keeps_the_words_and_drops_identifiers():
    text = "张工 zhang@bank.example 13812345678 10.1.2.3 db01.bank.example SN CN7475123A01 风扇 FAN3 告警"
    out = masked(text)
    for secret in ("zhang@bank.example", "13812345678", "10.1.2.3", "db01.bank.example", "CN7475123A01"):
        assert secret not in out
    assert "风扇 FAN3 告警" in out


def _ticket(customer_user: User) -> Ticket:
    return create_ticket(
        actor=customer_user,
        organisation=customer_user.organisation,
        title="服务器风扇告警",
        description="机房 A 的 db01 风扇 FAN3 转速过低，联系人 13812345678",
    )


def test_the_agent_side_panel_asks_with_the_request_only_when_customer_data_may_go(
    model: FakeModel,
    settings: Any,
    agent: User,
    customer_user: User,
    client_for: Callable[[User], Client],
):
    ticket = _ticket(customer_user)
    client = client_for(agent)
    page = client.get(f"/requests/{ticket.number}/").content.decode()
    assert 'data-testid="kb-ask-panel"' in page
    answer = client.get("/kb/ask/", {"q": "风扇告警", "ticket": ticket.number}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert 'data-testid="kb-answer-generated"' in answer.content.decode()
    assert "13812345678" not in model.received[-1]["messages"][1]["content"]
    settings.SASMS_KB_LLM_SEND_CUSTOMER_DATA = True
    client.get("/kb/ask/", {"q": "风扇告警", "ticket": ticket.number}, HTTP_HX_REQUEST="true")
    assert "13812345678" in model.received[-1]["messages"][1]["content"]


def test_the_ask_box_in_english_and_without_a_model(
    fan: Article, agent: User, customer_user: User, client_for: Callable[[User], Client]
):
    ticket = _ticket(customer_user)
    client = client_for(agent)
    page = client.get(f"/requests/{ticket.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ask the knowledge base" in page
    found = client.get("/kb/ask/", {"q": "风扇转速低", "ticket": ticket.number}).content.decode()
    assert "在线更换风扇模块" in found
    assert 'data-testid="kb-ask-article"' in found
    nothing = client.get("/kb/ask/", {"q": "0x9999 unknown"}).content.decode()
    assert 'data-testid="kb-ask-none"' in nothing
    # Customers see no ask panel on their request, and cannot name a request for context.
    assert (
        'data-testid="kb-ask-panel"'
        not in client_for(customer_user).get(f"/requests/{ticket.number}/").content.decode()
    )


def test_the_ask_box_refuses_another_customers_request(
    agent: User, customer_user: User, customer_b_user: User, client_for: Callable[[User], Client]
):
    ticket = _ticket(customer_user)
    # Customer B is not staff: the ticket is ignored, not revealed, and the question still answered.
    assert client_for(customer_b_user).get("/kb/ask/", {"q": "x", "ticket": ticket.number}).status_code == 200
    assert client_for(agent).get("/kb/ask/", {"q": "x", "ticket": "SR-NOPE"}).status_code == 404


def test_rest_search_include_drafts_is_for_editors_only(
    make_article: Callable[..., Article],
    fan: Article,
    editor: User,
    agent: User,
    customer_user: User,
    api_for: Callable[..., Any],
):
    draft = make_article(title="风扇告警 草稿", body="## 解决方法\n\n未审核的步骤")
    url = "/api/v1/knowledge/articles/search/"
    numbers = [r["article"]["number"] for r in api_for(editor).get(url, {"q": "风扇告警"}).json()["results"]]
    assert draft.number not in numbers
    found = api_for(editor).get(url, {"q": "风扇告警", "include_drafts": "true"}).json()["results"]
    assert draft.number in [r["article"]["number"] for r in found]
    refused = api_for(customer_user).get(url, {"q": "风扇告警", "include_drafts": "true"})
    assert refused.status_code == 403
    assert "include_drafts" in refused.json()["error"]["fields"]
    assert api_for(customer_user).get(url, {"q": "风扇告警"}).json()["count"] == 1
