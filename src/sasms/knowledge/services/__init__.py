"""The only writers of the knowledge base: one function per use case, each one transaction.

Pages, the API and the demo all call these.
"""

from sasms.knowledge.services.articles import create_article, record_view, update_article
from sasms.knowledge.services.categories import create_category, update_category
from sasms.knowledge.services.feedback import give_feedback
from sasms.knowledge.services.from_ticket import AlreadyDrafted, draft_article_from_ticket
from sasms.knowledge.services.workflow import ACTIONS, available_actions, refusal, transition_article

__all__ = [
    "ACTIONS",
    "AlreadyDrafted",
    "available_actions",
    "create_article",
    "create_category",
    "draft_article_from_ticket",
    "give_feedback",
    "record_view",
    "refusal",
    "transition_article",
    "update_article",
    "update_category",
]
