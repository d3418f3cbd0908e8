"""``/api/v1/``: every app registers its viewsets on the one router here."""

from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from sasms.accounts.api.views import MeView, OrganisationViewSet, TeamViewSet, TokenViewSet, UserViewSet
from sasms.analytics.api.urls import register as register_analytics
from sasms.assets.api.urls import register as register_assets
from sasms.contracts.api.urls import register as register_contracts
from sasms.core.api.schema_view import CachedSchemaView
from sasms.core.api.views import AuditEntryViewSet
from sasms.dispatch.api.urls import register as register_dispatch
from sasms.field.api.urls import register as register_field
from sasms.intake.api.urls import register as register_intake
from sasms.integrations.api.urls import register as register_integrations
from sasms.knowledge.api.urls import register as register_knowledge
from sasms.maintenance.api.urls import ATTAINMENT_PATH as PM_ATTAINMENT_PATH
from sasms.maintenance.api.urls import register as register_maintenance
from sasms.maintenance.api.views import AttainmentView
from sasms.parts.api.urls import register as register_parts
from sasms.portal.api.urls import register as register_portal
from sasms.proactive.api.urls import register as register_proactive
from sasms.reports.api.urls import register as register_reports
from sasms.sla.api.urls import register as register_sla
from sasms.telemetry.api.urls import register as register_telemetry
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
register_dispatch(router)
register_field(router)
register_parts(router)
register_knowledge(router)
register_portal(router)
register_analytics(router)
register_reports(router)
register_intake(router)
register_integrations(router)
register_maintenance(router)
register_telemetry(router)
register_proactive(router)

# Swagger UI starts itself with an inline script: the one page allowed one.
SWAGGER_CSP = csp_update({"script-src": ["'unsafe-inline'"]})

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("schema/", CachedSchemaView.as_view(), name="api-schema"),
    path(PM_ATTAINMENT_PATH, AttainmentView.as_view(), name="pm-attainment"),
    path(
        "docs/",
        SWAGGER_CSP(SpectacularSwaggerView.as_view(url_name="api-schema")),
        name="api-docs-v",
    ),
    *router.urls,
]
