from rest_framework.routers import DefaultRouter

from sasms.knowledge.api.views import ArticleViewSet


def register(router: DefaultRouter) -> None:
    """Add this app's viewsets to the /api/v1/ router."""
    router.register("knowledge/articles", ArticleViewSet, basename="knowledge-article")
