from django.urls import URLPattern, URLResolver, path

from sasms.assets.views import catalogue, imports, overview, servers

app_name = "assets"

urlpatterns: list[URLPattern | URLResolver] = [
    path("servers/", servers.ServerListView.as_view(), name="server_list"),
    path("servers/new/", servers.server_form_view, name="server_create"),
    path("servers/<int:pk>/", servers.server_detail_view, name="server_detail"),
    path("servers/<int:pk>/edit/", servers.server_form_view, name="server_edit"),
    path("servers/<int:server_pk>/components/new/", servers.component_form_view, name="component_create"),
    path("servers/<int:server_pk>/components/<int:pk>/", servers.component_form_view, name="component_edit"),
    path(
        "servers/<int:server_pk>/components/<int:pk>/replace/",
        servers.component_replace_view,
        name="component_replace",
    ),
    path("servers/import/", imports.import_view, name="import"),
    path("servers/import/template/<str:kind>/", imports.import_template_view, name="import_template"),
    path("servers/import/<int:pk>/", imports.import_job_view, name="import_job"),
    path("servers/import/<int:pk>/confirm/", imports.import_confirm_view, name="import_confirm"),
    path("lifecycle/", overview.LifecycleListView.as_view(), name="lifecycle"),
    path("customers/<int:pk>/360/", overview.customer_overview_view, name="customer_overview"),
    path("sites/", catalogue.SiteListView.as_view(), name="site_list"),
    path("sites/new/", catalogue.site_form_view, name="site_create"),
    path("sites/<int:pk>/", catalogue.site_detail_view, name="site_detail"),
    path("sites/<int:pk>/edit/", catalogue.site_form_view, name="site_edit"),
    path("vendors/", catalogue.VendorListView.as_view(), name="vendor_list"),
    path("vendors/new/", catalogue.vendor_form_view, name="vendor_create"),
    path("vendors/<int:pk>/", catalogue.vendor_form_view, name="vendor_edit"),
    path("server-models/", catalogue.ServerModelListView.as_view(), name="model_list"),
    path("server-models/new/", catalogue.model_form_view, name="model_create"),
    path("server-models/<int:pk>/", catalogue.model_form_view, name="model_edit"),
]
