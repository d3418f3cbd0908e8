from django.urls import path

from sasms.ops import health, metrics

app_name = "ops"

urlpatterns = [
    path("healthz", health.healthz_view, name="healthz"),
    path("readyz", health.readyz_view, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
]
