"""The staff home page's work sections, declared by the apps that know the work.

The kernel cannot read requests, visits or stock itself (those apps build on it), so the app that
composes a reader's work registers one provider at start-up, the way apps declare their menu entries.
"""

from collections.abc import Callable, Sequence
from typing import Any

from sasms.accounts.models import User

WorkProvider = Callable[[User], Sequence[Any]]
_providers: list[WorkProvider] = []


def register_work_provider(provider: WorkProvider) -> None:
    """Add a provider once, whatever the number of calls (``ready()`` may run more than once)."""
    if provider not in _providers:
        _providers.append(provider)


def work_for(user: User) -> list[Any]:
    """Every registered provider's sections for this reader, in registration order."""
    return [section for provider in _providers for section in provider(user)]
