"""An answer written by a large language model from the knowledge base's best articles (off by default).

The operator may point SASMS at any OpenAI-compatible chat-completions endpoint (a provider's, or
a model server of their own: vLLM, llama.cpp, Ollama, LocalAI …). Nothing in SASMS needs it: when it
is not configured, times out, fails, or answers without citing the articles it was given, the caller
shows the extractive answer (:mod:`sasms.knowledge.answer`) instead.

What is sent: the question and the passages of up to ``MAX_SOURCES`` articles the reader may open
(published versions only). Customer data — the text of a service request, and the addresses,
serial numbers, host names and telephone numbers in a question — is sent only when
``SASMS_KB_LLM_SEND_CUSTOMER_DATA`` is on; otherwise those are masked and no request text is sent.

Settings (``settings.py`` reads them from the environment of the same name):
``SASMS_KB_LLM_URL`` (base URL ending in ``/v1``, or the full ``…/chat/completions``),
``SASMS_KB_LLM_MODEL``, ``SASMS_KB_LLM_API_KEY`` (optional), ``SASMS_KB_LLM_TIMEOUT`` (seconds, 10),
``SASMS_KB_LLM_SEND_CUSTOMER_DATA`` (false).
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from sasms.knowledge.models import Article

logger = logging.getLogger(__name__)

MAX_SOURCES = 3
MAX_SOURCE_CHARS = 2000
MAX_ANSWER_CHARS = 4000
MAX_RESPONSE_BYTES = 256 * 1024
CITATION = re.compile(r"\[?(KB\d{5,})\]?")

# Masked unless customer data may be sent: what identifies a customer, a person or a machine.
_IDENTIFIERS = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-mail]"),
    (re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b"), "[IP address]"),
    (re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)|\b\d{3,4}-\d{7,8}\b"), "[phone]"),
    (re.compile(r"\b[\w-]+(?:\.[\w-]+){2,}\b"), "[host name]"),
    # Serial numbers and asset tags: a run of capitals and digits with at least one of each.
    (re.compile(r"\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9-]{8,}\b"), "[serial]"),
]


@dataclass(frozen=True)
class Source:
    article: Article
    heading: str
    text: str


@dataclass(frozen=True)
class GeneratedAnswer:
    """The model's answer (HTML-escaped, paragraphs kept) and the articles it cites."""

    text: SafeString
    cited: tuple[Article, ...]
    model: str
    generated: bool = True

    @property
    def article(self) -> Article:
        return self.cited[0]


class LlmError(Exception):
    """The endpoint did not give a usable answer (down, slow, refused, off-topic, uncited)."""


def enabled() -> bool:
    return bool(getattr(settings, "SASMS_KB_LLM_URL", "") and getattr(settings, "SASMS_KB_LLM_MODEL", ""))


def send_customer_data() -> bool:
    return bool(getattr(settings, "SASMS_KB_LLM_SEND_CUSTOMER_DATA", False))


def masked(text: str) -> str:
    """``text`` without e-mail addresses, IP addresses, telephone numbers, host names and serials."""
    for pattern, replacement in _IDENTIFIERS:
        text = pattern.sub(replacement, text)
    return text


def _endpoint() -> str:
    url = str(settings.SASMS_KB_LLM_URL).rstrip("/")
    if not url.lower().startswith(("http://", "https://")):
        raise LlmError("SASMS_KB_LLM_URL must be an http(s) URL")
    return url if url.endswith("/chat/completions") else f"{url}/chat/completions"


def _messages(question: str, sources: list[Source], context: str) -> list[dict[str, str]]:
    language = "Simplified Chinese" if (get_language() or "").startswith("zh") else "English"
    system = (
        "You are the knowledge-base assistant of a server after-sales service desk. Answer the "
        "question using ONLY the knowledge-base articles given below; do not use other knowledge. "
        "Cite every article you use by its number in square brackets, e.g. [KB00012]. If the "
        "articles do not answer the question, say so in one sentence and cite nothing. Be brief: "
        f"steps as a numbered list. Answer in {language}."
    )
    parts = [f"[{s.article.number}] {s.article.title}\n{s.heading}\n{s.text}".strip() for s in sources]
    user = "Articles:\n\n" + "\n\n---\n\n".join(parts)
    if context:
        user += f"\n\nThe service request being worked on:\n{context}"
    user += f"\n\nQuestion: {question}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _post(body: dict[str, Any]) -> dict[str, Any]:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    key = str(getattr(settings, "SASMS_KB_LLM_API_KEY", "") or "")
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(  # noqa: S310 (http(s) only: checked in _endpoint)
        _endpoint(), data=json.dumps(body).encode("utf-8"), headers=headers, method="POST"
    )
    timeout = float(getattr(settings, "SASMS_KB_LLM_TIMEOUT", 10) or 10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (operator's URL)
            raw = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise LlmError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise LlmError(f"{type(exc).__name__}: {exc}") from exc
    if len(raw) > MAX_RESPONSE_BYTES:
        raise LlmError("answer too large")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise LlmError("not JSON") from exc
    if not isinstance(data, dict):
        raise LlmError("not a chat completion")
    return data


def generate(*, question: str, sources: list[Source], context: str = "") -> GeneratedAnswer:
    """Ask the configured model; raises :class:`LlmError` for anything but a cited answer."""
    if not enabled():
        raise LlmError("not configured")
    if not sources:
        raise LlmError("no article to ground the answer in")
    if not send_customer_data():
        question, context = masked(question), ""
    model = str(settings.SASMS_KB_LLM_MODEL)
    data = _post(
        {
            "model": model,
            "messages": _messages(question, sources, context),
            "temperature": 0.1,
            "max_tokens": 800,
            "stream": False,
        }
    )
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise LlmError("no answer in the reply") from exc
    if not isinstance(content, str) or not content.strip():
        raise LlmError("empty answer")
    by_number = {s.article.number: s.article for s in sources}
    cited = tuple(dict.fromkeys(by_number[n] for n in CITATION.findall(content) if n in by_number))
    if not cited:
        # An answer that cites none of the articles is not grounded in them: not shown.
        raise LlmError("the answer cites none of the articles")
    # Escaped here, paragraphs kept: the model's text is never taken as HTML.
    text = linebreaks(content.strip()[:MAX_ANSWER_CHARS], autoescape=True)
    return GeneratedAnswer(text=mark_safe(text), cited=cited, model=model)  # noqa: S308
