from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "sasms.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from sasms.analytics import navigation, work
        from sasms.core.home import register_work_provider

        navigation.register()
        register_work_provider(work.sections_for)
