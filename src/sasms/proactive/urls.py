from django.urls import path

from sasms.proactive import views

app_name = "proactive"

urlpatterns = [
    path("firmware/advisories/", views.AdvisoryListView.as_view(), name="advisory_list"),
    path("firmware/advisories/new/", views.advisory_form_view, name="advisory_create"),
    path("firmware/advisories/import/", views.advisory_import_view, name="advisory_import"),
    path("firmware/advisories/<int:pk>/", views.advisory_detail_view, name="advisory_detail"),
    path("firmware/advisories/<int:pk>/edit/", views.advisory_form_view, name="advisory_edit"),
    path("firmware/baselines/", views.BaselineListView.as_view(), name="baseline_list"),
    path("firmware/baselines/new/", views.baseline_form_view, name="baseline_create"),
    path("firmware/campaigns/", views.CampaignListView.as_view(), name="campaign_list"),
    path("firmware/campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("firmware/campaigns/<int:pk>/notify/", views.campaign_notify_view, name="campaign_notify"),
    path("firmware/campaign-items/<int:pk>/schedule/", views.item_schedule_view, name="item_schedule"),
    path("firmware/campaign-items/<int:pk>/outcome/", views.item_outcome_view, name="item_outcome"),
    path("health-checks/", views.HealthCheckListView.as_view(), name="health_list"),
    path("health-checks/run/", views.health_run_view, name="health_run"),
    path("health-checks/<int:pk>/", views.HealthCheckDetailView.as_view(), name="health_detail"),
    path("health-checks/<int:pk>/pdf/", views.health_pdf_view, name="health_pdf"),
    path("health-checks/results/<int:pk>/raise/<int:index>/", views.health_raise_view, name="health_raise"),
    path("health-checks/schedules/", views.ScheduleListView.as_view(), name="schedule_list"),
    path("health-checks/schedules/new/", views.schedule_form_view, name="schedule_create"),
    path("portal/health/", views.PortalHealthView.as_view(), name="portal_health"),
    path("portal/health/pdf/", views.health_pdf_view, name="portal_health_pdf"),
]
