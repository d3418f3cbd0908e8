from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    name = "sasms.field"
    label = "field"
    verbose_name = _("Field service")

    def ready(self) -> None:
        from sasms.field import privacy

        privacy.register()
        from sasms.field.panels import register_menu, register_panels

        register_menu()
        register_panels()
