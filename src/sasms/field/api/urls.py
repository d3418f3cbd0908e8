from rest_framework.routers import DefaultRouter

from sasms.field.api.views import VisitViewSet


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("visits", VisitViewSet, basename="visit")
