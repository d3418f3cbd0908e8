"""Categories of the knowledge base: created and renamed by editors."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.audit import record_audit
from sasms.core.permissions import require
from sasms.core.writes import apply_changes, full_clean_or_refuse, save_or_conflict
from sasms.knowledge.models import Category

CATEGORY_FIELDS = ("name", "code", "description", "position")


def _save(category: Category) -> None:
    code_taken = Category.objects.filter(code=category.code).exclude(pk=category.pk).exists()
    message = (
        _("A category with this code already exists.")
        if code_taken
        else _("A category with this name already exists.")
    )
    save_or_conflict(category, message, "code" if code_taken else "name")


@transaction.atomic
def create_category(
    *, actor: User | None, name: str, code: str, description: str = "", position: int = 100
) -> Category:
    if actor is not None:
        require(actor, Capability.EDIT_KNOWLEDGE)
    category = Category(
        name=name.strip(), code=code.strip().lower(), description=description.strip(), position=position
    )
    full_clean_or_refuse(category)
    _save(category)
    record_audit(
        actor=actor,
        action="knowledge.category.create",
        target=category,
        changes={"name": [None, category.name], "code": [None, category.code]},
    )
    return category


@transaction.atomic
def update_category(*, actor: User, category: Category, **changes: Any) -> Category:
    require(actor, Capability.EDIT_KNOWLEDGE)
    category = Category.objects.select_for_update().get(pk=category.pk)
    if "code" in changes and isinstance(changes["code"], str):
        changes["code"] = changes["code"].strip().lower()
    diff = apply_changes(category, CATEGORY_FIELDS, changes)
    if not diff:
        return category
    full_clean_or_refuse(category)
    _save(category)
    record_audit(actor=actor, action="knowledge.category.update", target=category, changes=diff)
    # Category names are indexed with the articles that carry them.
    from sasms.knowledge.search import index_articles

    index_articles(list(category.articles.values_list("pk", flat=True)))
    return category
