from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerView

from sasms import api_urls

# Swagger UI starts itself with an inline script: the one page allowed one.
SWAGGER_CSP = csp_update({"script-src": ["'unsafe-inline'"]})

urlpatterns = [
    path("", include("sasms.ops.urls")),
    path("", include("sasms.core.urls")),
    path("", include("sasms.accounts.urls")),
    path("", include("sasms.assets.urls")),
    path("", include("sasms.contracts.urls")),
    path("", include("sasms.sla.urls")),
    path("", include("sasms.tickets.urls")),
    path("", include("sasms.dispatch.urls")),
    path("", include("sasms.field.urls")),
    path("", include("sasms.parts.urls")),
    path("", include("sasms.knowledge.urls")),
    path("", include("sasms.portal.urls")),
    path("", include("sasms.intake.urls")),
    path("", include("sasms.integrations.urls")),
    path("", include("sasms.telemetry.urls")),
    path("", include("sasms.analytics.urls")),
    path("", include("sasms.reports.urls")),
    path("", include("sasms.maintenance.urls")),
    path("", include("sasms.proactive.urls")),
    re_path(r"^api/(?P<version>v1)/", include(api_urls)),
    path(
        "api/docs/",
        SWAGGER_CSP(SpectacularSwaggerView.as_view(url="/api/v1/schema/")),
        name="api-docs",
    ),
    path("django-admin/", admin.site.urls),
]

handler400 = "sasms.core.errorviews.bad_request"
handler403 = "sasms.core.errorviews.permission_denied"
handler404 = "sasms.core.errorviews.page_not_found"
handler500 = "sasms.core.errorviews.server_error"
