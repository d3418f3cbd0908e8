from rest_framework.routers import DefaultRouter

from sasms.telemetry.api.views import ProactiveRequestViewSet, ThresholdViewSet


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("telemetry/thresholds", ThresholdViewSet, basename="telemetry-threshold")
    router.register("telemetry/proactive-requests", ProactiveRequestViewSet, basename="telemetry-proactive")
