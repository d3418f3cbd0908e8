"""Helpers shared by the search tests."""

from typing import Any

from sasms.accounts.models import User
from sasms.core.search.services import search


def ids(actor: User, query: str, **options: Any) -> list[str]:
    """``object_type:object_id`` of each hit, best first."""
    return [f"{h.object_type}:{h.object_id}" for h in search(actor=actor, query=query, **options)]
