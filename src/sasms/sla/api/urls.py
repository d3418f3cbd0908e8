from rest_framework.routers import DefaultRouter

from sasms.sla.api.views import CalendarViewSet, ClockViewSet, EscalationPolicyViewSet, SpecialDayViewSet


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("sla/calendars", CalendarViewSet, basename="sla-calendar")
    router.register("sla/special-days", SpecialDayViewSet, basename="sla-special-day")
    router.register("sla/clocks", ClockViewSet, basename="sla-clock")
    router.register("sla/escalation-policies", EscalationPolicyViewSet, basename="sla-escalation-policy")
