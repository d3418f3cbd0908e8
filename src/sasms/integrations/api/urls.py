from rest_framework.routers import DefaultRouter

from sasms.integrations.api.views import (
    CallerIdViewSet,
    ClassifierModelViewSet,
    ClassifyViewSet,
    DeliveryViewSet,
    ReviewViewSet,
    RobotViewSet,
    WebhookViewSet,
)


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("integrations/robots", RobotViewSet, basename="integrations-robot")
    router.register("integrations/webhooks", WebhookViewSet, basename="integrations-webhook")
    router.register("integrations/deliveries", DeliveryViewSet, basename="integrations-delivery")
    router.register("integrations/classifier-models", ClassifierModelViewSet, basename="integrations-model")
    router.register("integrations/classify", ClassifyViewSet, basename="integrations-classify")
    router.register("integrations/classification-reviews", ReviewViewSet, basename="integrations-review")
    router.register("caller-id", CallerIdViewSet, basename="caller-id")
