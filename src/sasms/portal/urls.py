from django.urls import URLPattern, URLResolver, path

from sasms.portal.views import home, reports, requests, servers, surveys

app_name = "portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("portal/", home.home_view, name="home"),
    path("portal/servers/", servers.PortalServerListView.as_view(), name="server_list"),
    path("portal/servers/<int:pk>/", servers.server_detail_view, name="server_detail"),
    path("portal/requests/", requests.PortalRequestListView.as_view(), name="request_list"),
    path("portal/requests/new/", requests.new_request_view, name="request_create"),
    path("portal/requests/new/servers/", requests.server_search_view, name="server_search"),
    path("portal/requests/new/solved/", requests.deflect_view, name="deflect"),
    path("portal/requests/<str:number>/", requests.request_detail_view, name="request_detail"),
    path("portal/requests/<str:number>/reply/", requests.reply_view, name="request_reply"),
    path("portal/requests/<str:number>/files/", requests.upload_view, name="request_upload"),
    path("portal/requests/<str:number>/status/", requests.status_view, name="request_status"),
    path("portal/requests/<str:number>/survey/", surveys.survey_view, name="survey"),
    path(
        "portal/requests/<str:number>/visits/<int:pk>/report.pdf",
        requests.visit_report_view,
        name="visit_report",
    ),
    path("portal/survey/<str:token>/", surveys.survey_link_view, name="survey_link"),
    path("portal/reports/surveys/", reports.SurveyResultsView.as_view(), name="survey_results"),
    path("portal/reports/deflections/", reports.DeflectionReportView.as_view(), name="deflection_report"),
]
