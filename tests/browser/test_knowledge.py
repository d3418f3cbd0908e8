"""The knowledge base in a real browser: a customer searches as they type, opens the article, rates it."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Dialog, Page, expect

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.core.search.models import Audience
from sasms.knowledge import services
from sasms.knowledge.models import Article
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _published(author: User, reviewer: User, *, title: str, body: str, audience: str) -> Article:
    article = services.create_article(
        actor=author, language="zh-hans", title=title, body=body, audience=audience
    )
    article = services.transition_article(
        actor=author, article=article, action="submit", reviewers=[reviewer]
    )
    return services.transition_article(actor=reviewer, article=article, action="approve")


def test_customer_searches_as_they_type_and_reads_the_article(
    page: Page, live_server: object, make_user: Callable[..., User]
) -> None:
    author = make_user(Role.ENGINEER)
    reviewer = make_user(Role.SERVICE_MANAGER)
    customer = make_user(Role.CUSTOMER, language="en")
    article = _published(
        author,
        reviewer,
        title="硬盘预测性故障告警处理",
        body="## 症状\n\n前面板硬盘指示灯橙色闪烁，错误码 **PDR1016**。\n\n"
        "## 解决方法\n\n1. 确认阵列冗余\n2. 热插拔更换硬盘\n\n<script>alert('xss')</script>"
        "<img src=x onerror=alert(1)>",
        audience=Audience.CUSTOMER,
    )
    _published(author, reviewer, title="硬盘备件内部调拨", body="仅限工程师。", audience=Audience.INTERNAL)
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    sign_in(page, live_server, customer.email, PASSWORD)
    page.goto(f"{live_server.url}/kb/")  # type: ignore[attr-defined]
    # Typing without spaces, the last word still incomplete: results come as the customer types.
    page.locator("[data-testid=kb-search]").press_sequentially("硬盘预测性故", delay=40)
    hits = page.locator("[data-testid=kb-hit]")
    expect(hits).to_have_count(1)
    expect(hits.first.locator("mark").first).to_have_text("硬盘")
    expect(page.locator("[data-testid=kb-results]")).not_to_contain_text("内部调拨")
    hits.first.locator("a").first.click()
    expect(page).to_have_url(f"{live_server.url}/kb/articles/{article.pk}/")  # type: ignore[attr-defined]
    expect(page.locator("[data-testid=kb-title]")).to_have_text("硬盘预测性故障告警处理")
    body = page.locator("[data-testid=kb-body]")
    expect(body.locator("h2").first).to_have_text("症状")
    expect(body.locator("strong")).to_have_text("PDR1016")
    expect(body).to_contain_text("<script>alert('xss')</script>")  # shown as text, never run
    expect(body.locator("img")).to_have_count(0)
    page.click("[data-testid=kb-helpful-yes]")
    expect(page.locator("[data-testid=kb-feedback-thanks]")).to_be_visible()
    assert dialogs == []
    article.refresh_from_db()
    assert (article.view_count, article.helpful_count) == (1, 1)
