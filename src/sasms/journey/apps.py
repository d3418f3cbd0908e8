from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneyConfig(AppConfig):
    name = "sasms.journey"
    label = "journey"
    verbose_name = _("Request journey")

    def ready(self) -> None:
        # Here and not at import: the followers import the apps' models, which are not loaded yet
        # while Django imports this package.
        from sasms.journey.followers import FOLLOWERS
        from sasms.tickets.events import install_journey

        install_journey(FOLLOWERS)
