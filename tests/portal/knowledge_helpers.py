"""A customer-visible, published knowledge article made through the knowledge app's own services."""

from typing import Any

from sasms.accounts.models import User


def publish_customer_article(*, editor: User, reviewer: User, title: str, body: str) -> Any:
    from sasms.knowledge.services import create_article, transition_article

    article = create_article(actor=editor, title=title, body=body, audience="customer", language="en")
    article = transition_article(actor=editor, article=article, action="submit", reviewers=[reviewer])
    return transition_article(actor=reviewer, article=article, action="approve")
