"""Row locks of the dispatch app, in one place; call inside the caller's transaction.

Lock order everywhere: proposal row, then request, then engineer profile.
"""

from sasms.dispatch.models import DispatchSettings, EngineerProfile, ProposalRow


def lock_profile(user_id: int) -> EngineerProfile | None:
    """The engineer's profile under a row lock: assignments to one engineer queue here."""
    return EngineerProfile.objects.select_for_update().filter(user_id=user_id).first()


def lock_row(row_id: int) -> ProposalRow:
    return ProposalRow.objects.select_for_update().get(pk=row_id)


def lock_settings() -> DispatchSettings:
    """The settings row under a lock, created on first use."""
    DispatchSettings.objects.get_or_create(pk="default")
    return DispatchSettings.objects.select_for_update().get(pk="default")
