from rest_framework.routers import DefaultRouter

from sasms.tickets.api.views import TicketViewSet


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("tickets", TicketViewSet, basename="ticket")
