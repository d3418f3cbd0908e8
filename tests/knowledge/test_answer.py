"""Ask the knowledge base: the best article's solution passage, with its source and feedback."""

from collections.abc import Callable

import pytest
from django.test import Client

from sasms.accounts.models import User
from sasms.core.search.models import Audience
from sasms.knowledge.answer import best_passage
from sasms.knowledge.models import Article, ArticleFeedback
from tests.knowledge.conftest import Publish

pytestmark = pytest.mark.django_db

FAN_BODY = (
    "## 现象\n\nBMC 报风扇转速低告警。\n\n## 原因\n\n风扇老化或堵转。\n\n"
    "## 解决方法\n\n1. 检查进风温度。\n2. 在线更换风扇模块。\n"
)


def test_the_solution_section_is_the_passage() -> None:
    assert best_passage(FAN_BODY, "风扇告警") == ("解决方法", "1. 检查进风温度。\n2. 在线更换风扇模块。")
    # Without a solution heading: the section sharing most of the question's words.
    body = "## Symptom\n\nThe fan is loud.\n\n## Background\n\nFans spin faster when hot."
    assert best_passage(body, "loud fan")[0] == "Symptom"


def test_the_search_page_answers_with_the_best_published_passage(
    make_article: Callable[..., Article],
    publish: Publish,
    customer_user: User,
    client_for: Callable[[User], Client],
) -> None:
    fan = publish(make_article(title="风扇故障或转速异常告警", body=FAN_BODY, audience=Audience.CUSTOMER))
    make_article(title="风扇告警 草稿", body="## 解决方法\n\n草稿里的秘密步骤")
    client = client_for(customer_user)
    body = client.get("/kb/search/", {"q": "风扇告警，FAN3 转速过低"}).content.decode()
    assert 'data-testid="kb-answer"' in body
    assert "在线更换风扇模块" in body
    assert f"/kb/articles/{fan.pk}/" in body
    assert "秘密" not in body
    # The answer's feedback button is the article's own feedback.
    response = client.post(f"/kb/articles/{fan.pk}/feedback/", {"helpful": "yes"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert ArticleFeedback.objects.filter(article=fan, helpful=True).exists()


def test_suggestions_answer_too_and_nothing_is_answered_without_a_match(
    make_article: Callable[..., Article], publish: Publish, agent: User, client_for: Callable[[User], Client]
) -> None:
    publish(make_article(title="风扇故障或转速异常告警", body=FAN_BODY, audience=Audience.CUSTOMER))
    client = client_for(agent)
    body = client.get("/kb/suggest/", {"q": "风扇转速低"}).content.decode()
    assert "在线更换风扇模块" in body
    assert 'data-testid="kb-answer"' not in client.get("/kb/search/", {"q": "0x9999"}).content.decode()
