"""The search index row: one per searchable object of any app, kept by :mod:`sasms.core.search.services`.

The full-text index itself sits beside this table and is database specific (see the migration
``0003_search``): a GIN expression index on PostgreSQL, an FTS5 table kept in step by triggers on
SQLite.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    # Staff only: internal notes, internal articles, every ticket seen from the desk.
    INTERNAL = "internal", _("Internal")
    # Customer users may find it: their own organisation's, or everyone's when it has none.
    CUSTOMER = "customer", _("Customer-visible")


class SearchDocument(models.Model):
    object_type = models.CharField(_("object type"), max_length=80, help_text=_("e.g. knowledge.article"))
    object_id = models.CharField(_("object id"), max_length=64)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        # An organisation's documents go with it; the objects they index are gone too.
        on_delete=models.CASCADE,
        related_name="+",
    )
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    title = models.CharField(_("title"), max_length=300)
    # The original text, kept for highlighted snippets without asking the owning app.
    body = models.TextField(_("text"), blank=True)
    # Pre-tokenised, space-joined terms (``tokenizer.to_index_text``): the only columns indexed.
    title_tokens = models.TextField(blank=True)
    body_tokens = models.TextField(blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["object_type", "object_id"], name="searchdocument_object_unique")
        ]
        indexes = [models.Index(fields=["organisation", "audience"], name="searchdocument_scope_idx")]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id} {self.title}"
