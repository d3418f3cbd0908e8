"""Pages of intake: triage, alerts, processed e-mail, and the settings of mailboxes, sources, BMCs."""

from sasms.intake.views.config import (
    AlertSourceListView,
    BmcListView,
    MailboxListView,
    bmc_form_view,
    bmc_poll_view,
    bmc_push_token_view,
    bmc_subscribe_view,
    bmc_subscriptions_view,
    bmc_unsubscribe_view,
    mailbox_form_view,
    mailbox_poll_view,
    source_form_view,
    source_token_view,
)
from sasms.intake.views.records import AlertListView, MessageListView, message_raw_view
from sasms.intake.views.triage import TriageListView, triage_detail_view

__all__ = [
    "AlertListView",
    "AlertSourceListView",
    "BmcListView",
    "MailboxListView",
    "MessageListView",
    "TriageListView",
    "bmc_form_view",
    "bmc_poll_view",
    "bmc_push_token_view",
    "bmc_subscribe_view",
    "bmc_subscriptions_view",
    "bmc_unsubscribe_view",
    "mailbox_form_view",
    "mailbox_poll_view",
    "message_raw_view",
    "source_form_view",
    "source_token_view",
    "triage_detail_view",
]
