"""The only writers of the dispatch app: profiles, policy, assignment and batch proposals."""

from sasms.dispatch.services.assign import (
    assign_recommended,
    auto_dispatch,
    on_ticket_event,
    update_position_from,
)
from sasms.dispatch.services.batch import ApplyResult, apply_proposal, create_proposal, discard_proposal
from sasms.dispatch.services.policy import update_settings
from sasms.dispatch.services.profiles import (
    add_certification,
    add_on_call,
    create_profile,
    create_region,
    remove_certification,
    remove_on_call,
    set_skills,
    update_profile,
    update_region,
)

__all__ = [
    "ApplyResult",
    "add_certification",
    "add_on_call",
    "apply_proposal",
    "assign_recommended",
    "auto_dispatch",
    "create_profile",
    "create_proposal",
    "create_region",
    "discard_proposal",
    "on_ticket_event",
    "remove_certification",
    "remove_on_call",
    "set_skills",
    "update_position_from",
    "update_profile",
    "update_region",
    "update_settings",
]
