from rest_framework.routers import DefaultRouter

from sasms.parts.api import views


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("parts", views.PartViewSet, basename="part")
    router.register("depots", views.DepotViewSet, basename="depot")
    router.register("stock", views.StockViewSet, basename="stock-balance")
    router.register("stock-movements", views.MovementViewSet, basename="stock-movement")
    router.register("part-reservations", views.ReservationViewSet, basename="part-reservation")
    router.register("part-transfers", views.TransferViewSet, basename="part-transfer")
    router.register("defective-returns", views.DefectiveReturnViewSet, basename="defective-return")
    router.register("rma-cases", views.RmaCaseViewSet, basename="rma-case")
    router.register("parts-problems", views.ProblemViewSet, basename="parts-problem")
    router.register("stock-policies", views.PolicyViewSet, basename="stock-policy")
    router.register("part-forecasts", views.ForecastViewSet, basename="part-forecast")
