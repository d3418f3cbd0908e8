from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "sasms.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from sasms.reports import navigation

        navigation.register()
