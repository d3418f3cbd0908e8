from django.urls import path

from sasms.core import views

app_name = "core"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
]
