from django.urls import path

from sasms.core import views

app_name = "core"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path("healthz", views.healthz_view, name="healthz"),
    path("readyz", views.readyz_view, name="readyz"),
]
