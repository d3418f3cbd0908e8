from rest_framework.routers import DefaultRouter

from sasms.analytics.api.views import AnalyticsViewSet


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("analytics", AnalyticsViewSet, basename="analytics")
