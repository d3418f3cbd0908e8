from django.urls import URLPattern, URLResolver, path

from sasms.sla import views

app_name = "sla"

urlpatterns: list[URLPattern | URLResolver] = [
    path("sla/calendars/", views.CalendarListView.as_view(), name="calendar_list"),
    path("sla/calendars/new/", views.calendar_form_view, name="calendar_create"),
    path("sla/calendars/<int:pk>/", views.calendar_detail_view, name="calendar_detail"),
    path("sla/calendars/<int:pk>/edit/", views.calendar_form_view, name="calendar_edit"),
    path("sla/calendars/<int:pk>/hours/", views.weekly_hours_view, name="calendar_hours"),
    path("sla/calendars/<int:pk>/special-days/", views.special_day_add_view, name="special_day_add"),
    path(
        "sla/calendars/<int:pk>/special-days/<int:day_pk>/remove/",
        views.special_day_remove_view,
        name="special_day_remove",
    ),
    path("sla/calendars/<int:pk>/official-schedule/", views.official_schedule_view, name="official_schedule"),
    path("sla/calendars/<int:pk>/provision/", views.provision_view, name="calendar_provision"),
    path("sla/calendars/<int:pk>/calculate/", views.calculator_view, name="calendar_calculate"),
    path("sla/attainment/", views.attainment_view, name="attainment"),
    path("sla/policies/", views.PolicyListView.as_view(), name="policy_list"),
    path("sla/policies/new/", views.policy_form_view, name="policy_create"),
    path("sla/policies/<int:pk>/", views.policy_form_view, name="policy_edit"),
]
