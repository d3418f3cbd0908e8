from rest_framework.routers import DefaultRouter

from sasms.proactive.api.views import (
    AdvisoryViewSet,
    CampaignItemViewSet,
    CampaignViewSet,
    HealthCheckViewSet,
)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("firmware-advisories", AdvisoryViewSet, basename="firmware-advisory")
    router.register("firmware-campaigns", CampaignViewSet, basename="firmware-campaign")
    router.register("firmware-campaign-items", CampaignItemViewSet, basename="firmware-campaign-item")
    router.register("health-checks", HealthCheckViewSet, basename="health-check")
