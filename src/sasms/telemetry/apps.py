from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelemetryConfig(AppConfig):
    name = "sasms.telemetry"
    label = "telemetry"
    verbose_name = _("Telemetry and prediction")

    def ready(self) -> None:
        from sasms.telemetry.panels import register_panels

        register_panels()
