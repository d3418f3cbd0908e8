from rest_framework.routers import DefaultRouter

from sasms.intake.api.views import (
    AlertSourceViewSet,
    AlertViewSet,
    BmcEndpointViewSet,
    MailboxViewSet,
    MessageViewSet,
    TriageViewSet,
)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("intake/mailboxes", MailboxViewSet, basename="intake-mailbox")
    router.register("intake/alert-sources", AlertSourceViewSet, basename="intake-alert-source")
    router.register("intake/bmc-endpoints", BmcEndpointViewSet, basename="intake-bmc-endpoint")
    router.register("intake/alerts", AlertViewSet, basename="intake-alert")
    router.register("intake/messages", MessageViewSet, basename="intake-message")
    router.register("intake/triage", TriageViewSet, basename="intake-triage")
