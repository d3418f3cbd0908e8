from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "sasms.tickets"
    label = "tickets"
    verbose_name = _("Service requests")

    def ready(self) -> None:
        from sasms.tickets import privacy

        privacy.register()
