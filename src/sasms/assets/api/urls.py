from rest_framework.routers import DefaultRouter

from sasms.assets.api.views import ServerModelViewSet, ServerViewSet, SiteViewSet, VendorViewSet


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("vendors", VendorViewSet, basename="vendor")
    router.register("server-models", ServerModelViewSet, basename="server-model")
    router.register("sites", SiteViewSet, basename="site")
    router.register("servers", ServerViewSet, basename="server")
