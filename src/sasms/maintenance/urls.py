from django.urls import URLPattern, URLResolver, path

from sasms.maintenance.views import phone, portal, staff

app_name = "maintenance"

urlpatterns: list[URLPattern | URLResolver] = [
    path("maintenance/plans/", staff.PlanListView.as_view(), name="plan_list"),
    path("maintenance/plans/new/", staff.plan_create_view, name="plan_create"),
    path("maintenance/plans/<int:pk>/", staff.plan_detail_view, name="plan_detail"),
    path(
        "maintenance/plans/<int:pk>/visits/<int:visit_pk>/",
        staff.plan_visit_edit_view,
        name="plan_visit_edit",
    ),
    path("maintenance/plans/<int:pk>/confirm/", staff.plan_confirm_view, name="plan_confirm"),
    path("maintenance/plans/<int:pk>/cancel/", staff.plan_cancel_view, name="plan_cancel"),
    path("maintenance/visits/", staff.PmVisitListView.as_view(), name="visit_list"),
    path("maintenance/visits/<int:pk>/", staff.visit_detail_view, name="visit_detail"),
    path("maintenance/visits/<int:pk>/send-report/", staff.visit_send_report_view, name="visit_send_report"),
    path("maintenance/blackouts/", staff.BlackoutListView.as_view(), name="blackout_list"),
    path("maintenance/blackouts/new/", staff.blackout_create_view, name="blackout_create"),
    path("maintenance/blackouts/<int:pk>/delete/", staff.blackout_delete_view, name="blackout_delete"),
    path("maintenance/date-requests/", staff.DateRequestListView.as_view(), name="date_request_list"),
    path(
        "maintenance/date-requests/<int:pk>/decide/",
        staff.date_request_decide_view,
        name="date_request_decide",
    ),
    path("maintenance/checklists/", staff.TemplateListView.as_view(), name="template_list"),
    path("maintenance/checklists/new/", staff.template_form_view, name="template_create"),
    path("maintenance/checklists/<int:pk>/", staff.template_form_view, name="template_edit"),
    path("maintenance/attainment/", staff.attainment_view, name="attainment"),
    # The phone pages live under /field/ so that the field app's service worker covers them.
    path("field/visits/<int:pk>/pm/", phone.checklist_view, name="checklist"),
    path("field/visits/<int:pk>/pm/answers/", phone.answer_view, name="answer"),
    path("field/visits/<int:pk>/pm/answers/<int:answer_pk>/finding/", phone.finding_view, name="finding"),
    path("portal/maintenance/", portal.portal_pm_view, name="portal"),
    path("portal/maintenance/<int:pk>/other-date/", portal.portal_other_date_view, name="portal_other_date"),
]
