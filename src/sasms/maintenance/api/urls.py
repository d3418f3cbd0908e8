from rest_framework.routers import DefaultRouter

from sasms.maintenance.api.views import (
    BlackoutViewSet,
    DateRequestViewSet,
    PmPlanViewSet,
    PmVisitViewSet,
)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("pm-blackouts", BlackoutViewSet, basename="pm-blackout")
    router.register("pm-plans", PmPlanViewSet, basename="pm-plan")
    router.register("pm-visits", PmVisitViewSet, basename="pm-visit")
    router.register("pm-date-requests", DateRequestViewSet, basename="pm-date-request")


# One summary object rather than a collection, so a plain view beside the router's viewsets.
ATTAINMENT_PATH = "pm-attainment/"
