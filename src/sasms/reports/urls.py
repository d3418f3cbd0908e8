from django.urls import URLPattern, URLResolver, path

from sasms.reports import views

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/customer/", views.customer_report_view, name="customer_report"),
    path("reports/subscriptions/", views.SubscriptionListView.as_view(), name="subscription_list"),
    path("reports/subscriptions/new/", views.subscription_form_view, name="subscription_create"),
    path("reports/subscriptions/<int:pk>/edit/", views.subscription_form_view, name="subscription_edit"),
    path(
        "reports/subscriptions/<int:pk>/delete/", views.subscription_delete_view, name="subscription_delete"
    ),
    path("reports/forecasts/", views.forecasts_view, name="forecasts"),
]
