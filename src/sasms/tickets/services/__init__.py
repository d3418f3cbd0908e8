"""The only writers of service requests: one function per use case, each one transaction.

Pages, the API, the portal, intake adapters and tasks all call these.
"""

from sasms.tickets.services.attachments import add_attachment
from sasms.tickets.services.conversation import add_comment, set_checklist_item, set_watching
from sasms.tickets.services.create import create_ticket, entitlement_snapshot, format_number
from sasms.tickets.services.links import link_tickets, merge_tickets
from sasms.tickets.services.server import set_ticket_server
from sasms.tickets.services.views import delete_view, save_view
from sasms.tickets.services.workflow import (
    assign_ticket,
    auto_close_resolved,
    bulk_update,
    change_priority,
    change_tier,
    decide_time_and_materials,
    transition_ticket,
    update_ticket,
)

__all__ = [
    "add_attachment",
    "add_comment",
    "assign_ticket",
    "auto_close_resolved",
    "bulk_update",
    "change_priority",
    "change_tier",
    "create_ticket",
    "decide_time_and_materials",
    "delete_view",
    "entitlement_snapshot",
    "format_number",
    "link_tickets",
    "merge_tickets",
    "save_view",
    "set_checklist_item",
    "set_ticket_server",
    "set_watching",
    "transition_ticket",
    "update_ticket",
]
