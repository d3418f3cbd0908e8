""" "Ask the knowledge base": the passage of the best article that answers a question.

A results list makes the reader open articles one by one; the answer shows, above it, the part of
the best published match that says what to do — its solution or steps section — with the article
as its source. Only a live version is quoted, never a draft, and only what the reader may open.
"""

import logging
import re
from dataclasses import dataclass

from django.utils.safestring import SafeString

from sasms.core.search.tokenizer import query_terms
from sasms.knowledge import llm
from sasms.knowledge.llm import GeneratedAnswer
from sasms.knowledge.markdown import render_markdown
from sasms.knowledge.models import Article, ArticleVersion
from sasms.knowledge.search import ArticleHit

# Headings of the section that tells the reader what to do, in the languages articles are written in.
ACTION_HEADINGS = re.compile(
    r"解决|处理|步骤|方法|操作|建议|排查"
    r"|solution|steps|fix|resolution|what to do|workaround|procedure|how to",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^#{2,3}\s+(.+?)\s*#*\s*$", re.MULTILINE)
MAX_PASSAGE_CHARS = 2500
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    article: Article
    heading: str
    passage: SafeString
    generated: bool = False  # the extractive answer; :class:`sasms.knowledge.llm.GeneratedAnswer` is True


def sections(body: str) -> list[tuple[str, str]]:
    """(heading, text) of each ``##``/``###`` section; text before the first heading has none."""
    found = list(_HEADING.finditer(body))
    parts: list[tuple[str, str]] = []
    lead = body[: found[0].start()].strip() if found else body.strip()
    if lead:
        parts.append(("", lead))
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(body)
        text = body[match.end() : end].strip()
        if text:
            parts.append((match.group(1).strip(), text))
    return parts


def best_passage(body: str, question: str) -> tuple[str, str]:
    """The section that answers: a solution/steps section, else the one sharing most query words."""
    parts = sections(body)
    if not parts:
        return "", ""
    for heading, text in parts:
        if heading and ACTION_HEADINGS.search(heading):
            return heading, text
    words = query_terms(question)
    return max(parts, key=lambda part: sum(part[1].casefold().count(word) for word in words))


def _published(hits: list[ArticleHit]) -> list[ArticleHit]:
    return [hit for hit in hits if not hit.draft and hit.article.live_version_id]


def answer_for(hits: list[ArticleHit], *, question: str) -> Answer | None:
    """The answer from the first published hit of a results list (already scoped to the reader)."""
    top = next(iter(_published(hits)), None)
    if top is None or top.article.live_version_id is None:
        return None
    version = ArticleVersion.objects.filter(pk=top.article.live_version_id).only("body").first()
    if version is None:
        return None
    heading, text = best_passage(version.body, question)
    if not text:
        return None
    return Answer(top.article, heading, render_markdown(text[:MAX_PASSAGE_CHARS]))


def ask(hits: list[ArticleHit], *, question: str, context: str = "") -> "Answer | GeneratedAnswer | None":
    """The answer to show: the language model's, grounded in the best published hits and citing
    them, where the operator switched it on; else (or when it fails) the extractive one.

    ``context`` (the text of the request being worked on) reaches the model only when sending
    customer data is allowed (:mod:`sasms.knowledge.llm`).
    """
    if llm.enabled():
        published = _published(hits)[: llm.MAX_SOURCES]
        versions = {
            v.pk: v.body
            for v in ArticleVersion.objects.filter(pk__in=[h.article.live_version_id for h in published])
        }
        sources = []
        for hit in published:
            heading, text = best_passage(versions.get(hit.article.live_version_id or 0, ""), question)
            if text:
                sources.append(llm.Source(hit.article, heading, text[: llm.MAX_SOURCE_CHARS]))
        try:
            return llm.generate(question=question, sources=sources, context=context)
        except llm.LlmError as exc:
            logger.warning("knowledge answer by the language model not used: %s", exc)
    return answer_for(hits, question=question)
