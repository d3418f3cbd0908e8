from rest_framework.routers import DefaultRouter

from sasms.portal.api.views import DeflectionViewSet, SurveyViewSet


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("surveys", SurveyViewSet, basename="survey")
    router.register("deflections", DeflectionViewSet, basename="deflection")
