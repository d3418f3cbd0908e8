from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sasms.sla"
    label = "sla"
    verbose_name = _("SLA engine")

    def ready(self) -> None:
        from sasms.sla.panels import register_panels

        register_panels()
