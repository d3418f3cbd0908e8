from rest_framework.routers import DefaultRouter

from sasms.contracts.api.views import ContractViewSet, EntitlementViewSet, ProductViewSet


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("service-products", ProductViewSet, basename="service-product")
    router.register("contracts", ContractViewSet, basename="contract")
    router.register("entitlements", EntitlementViewSet, basename="entitlement")
