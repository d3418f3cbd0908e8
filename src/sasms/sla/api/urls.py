from rest_framework.routers import DefaultRouter

from sasms.sla.api.views import CalendarViewSet, SpecialDayViewSet


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("sla/calendars", CalendarViewSet, basename="sla-calendar")
    router.register("sla/special-days", SpecialDayViewSet, basename="sla-special-day")
