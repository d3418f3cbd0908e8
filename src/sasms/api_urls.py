"""``/api/v1/``: every app registers its viewsets on the one router here."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from sasms.accounts.api.views import MeView, OrganisationViewSet, TeamViewSet, TokenViewSet, UserViewSet
from sasms.assets.api.urls import register as register_assets
from sasms.contracts.api.urls import register as register_contracts
from sasms.core.api.views import AuditEntryViewSet
from sasms.sla.api.urls import register as register_sla
from sasms.tickets.api.urls import register as register_tickets

router = DefaultRouter(trailing_slash=True)
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("users", UserViewSet, basename="user")
router.register("teams", TeamViewSet, basename="team")
router.register("tokens", TokenViewSet, basename="token")
router.register("audit", AuditEntryViewSet, basename="audit")
register_assets(router)
register_contracts(router)
register_sla(router)
register_tickets(router)

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs-v"),
    *router.urls,
]
