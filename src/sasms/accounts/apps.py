from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sasms.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from sasms.accounts import privacy
        from sasms.accounts.api import schema  # noqa: F401  (registers the OpenAPI extension)

        privacy.register()
