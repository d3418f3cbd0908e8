from rest_framework.routers import DefaultRouter

from sasms.dispatch.api.views import (
    PolicyViewSet,
    ProfileViewSet,
    ProposalViewSet,
    RecommendationViewSet,
    RegionViewSet,
)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("dispatch/engineers", ProfileViewSet, basename="dispatch-engineer")
    router.register("dispatch/regions", RegionViewSet, basename="dispatch-region")
    router.register("dispatch/policy", PolicyViewSet, basename="dispatch-policy")
    router.register("dispatch/recommendations", RecommendationViewSet, basename="dispatch-recommendation")
    router.register("dispatch/proposals", ProposalViewSet, basename="dispatch-proposal")
