from django.urls import URLPattern, URLResolver, path

from sasms.intake import views, webhooks

app_name = "intake"

urlpatterns: list[URLPattern | URLResolver] = [
    # Machines
    path("intake/alerts/<int:source_id>/", webhooks.alert_webhook, name="alert_webhook"),
    path("intake/bmc/<int:endpoint_id>/events/", webhooks.bmc_event_push, name="bmc_events"),
    path("intake/noop/", webhooks.noop, name="noop"),
    # People
    path("intake/triage/", views.TriageListView.as_view(), name="triage_list"),
    path("intake/triage/<int:pk>/", views.triage_detail_view, name="triage_detail"),
    path("intake/alerts/", views.AlertListView.as_view(), name="alert_list"),
    path("intake/messages/", views.MessageListView.as_view(), name="message_list"),
    path("intake/messages/<int:pk>/raw/", views.message_raw_view, name="message_raw"),
    path("intake/mailboxes/", views.MailboxListView.as_view(), name="mailbox_list"),
    path("intake/mailboxes/new/", views.mailbox_form_view, name="mailbox_create"),
    path("intake/mailboxes/<int:pk>/", views.mailbox_form_view, name="mailbox_edit"),
    path("intake/mailboxes/<int:pk>/poll/", views.mailbox_poll_view, name="mailbox_poll"),
    path("intake/sources/", views.AlertSourceListView.as_view(), name="source_list"),
    path("intake/sources/new/", views.source_form_view, name="source_create"),
    path("intake/sources/<int:pk>/", views.source_form_view, name="source_edit"),
    path("intake/sources/<int:pk>/token/", views.source_token_view, name="source_token"),
    path("intake/bmcs/", views.BmcListView.as_view(), name="bmc_list"),
    path("intake/bmcs/new/", views.bmc_form_view, name="bmc_create"),
    path("intake/bmcs/<int:pk>/", views.bmc_form_view, name="bmc_edit"),
    path("intake/bmcs/<int:pk>/poll/", views.bmc_poll_view, name="bmc_poll"),
    path("intake/bmcs/<int:pk>/push-token/", views.bmc_push_token_view, name="bmc_push_token"),
    path("intake/bmcs/<int:pk>/subscribe/", views.bmc_subscribe_view, name="bmc_subscribe"),
    path("intake/bmcs/<int:pk>/unsubscribe/", views.bmc_unsubscribe_view, name="bmc_unsubscribe"),
    path("intake/bmcs/<int:pk>/subscriptions/", views.bmc_subscriptions_view, name="bmc_subscriptions"),
]
