from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "sasms.intake"
    label = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from sasms.intake import privacy

        privacy.register()
        import logging

        from sasms.intake.email.outbound import install
        from sasms.intake.navigation import register_menu
        from sasms.intake.panels import register_panels

        # DMTF's client logs every GET at INFO; a poll of a big BMC would flood the log.
        logging.getLogger("redfish").setLevel(logging.WARNING)
        install()
        register_menu()
        register_panels()
