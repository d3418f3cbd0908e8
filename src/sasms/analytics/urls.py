from django.urls import URLPattern, URLResolver, path

from sasms.analytics.views import dashboards, drilldown

app_name = "analytics"

urlpatterns: list[URLPattern | URLResolver] = [
    path("analytics/", dashboards.landing_view, name="home"),
    path("analytics/manager/", dashboards.manager_view, name="manager"),
    path("analytics/dispatch/", dashboards.dispatcher_view, name="dispatcher"),
    path("analytics/engineer/", dashboards.engineer_view, name="engineer"),
    path("analytics/customer/", dashboards.customer_view, name="customer"),
    path("analytics/requests/", drilldown.drilldown_view, name="requests"),
]
