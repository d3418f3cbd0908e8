from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sasms.sla"
    label = "sla"
    verbose_name = _("SLA engine")

    def ready(self) -> None:
        from sasms.sla.clocks.services import on_ticket_event
        from sasms.sla.panels import register_panels
        from sasms.tickets.events import add_event_listener

        add_event_listener(on_ticket_event)
        register_panels()
