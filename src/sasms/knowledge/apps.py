from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "sasms.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from sasms.accounts.roles import Capability
        from sasms.core.navigation import MENU, SERVICE_DESK, MenuItem
        from sasms.core.search import synonyms
        from sasms.knowledge.dictionary import active_groups
        from sasms.knowledge.panels import register_panels

        register_panels()
        synonyms.register_source(active_groups)
        items = [
            # Staff read the knowledge base here; customers through the portal.
            MenuItem(
                _("Knowledge base"),
                "knowledge:home",
                Capability.VIEW_ALL_ORGANISATIONS,
                "journal-text",
                section=SERVICE_DESK,
            ),
            MenuItem(
                _("Knowledge review"),
                "knowledge:review_queue",
                Capability.EDIT_KNOWLEDGE,
                "journal-check",
                section=SERVICE_DESK,
            ),
        ]
        # After the request entries, before the audit trail; once only (ready may run twice in tests).
        known = {item.url_name for item in MENU}
        anchor = next((i for i, item in enumerate(MENU) if item.url_name == "core:audit_list"), len(MENU))
        for offset, item in enumerate(i for i in items if i.url_name not in known):
            MENU.insert(anchor + offset, item)
