from django.urls import path

from sasms.telemetry import views

app_name = "telemetry"

urlpatterns = [
    path("telemetry/", views.ProactiveListView.as_view(), name="proactive_list"),
    path("telemetry/servers/<int:pk>/panel/", views.server_panel_view, name="server_panel"),
    path("telemetry/thresholds/", views.ThresholdListView.as_view(), name="threshold_list"),
    path("telemetry/thresholds/new/", views.threshold_form_view, name="threshold_create"),
    path("telemetry/thresholds/<int:pk>/", views.threshold_form_view, name="threshold_edit"),
    path("telemetry/thresholds/<int:pk>/delete/", views.threshold_delete_view, name="threshold_delete"),
]
