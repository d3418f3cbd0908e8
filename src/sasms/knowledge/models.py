"""Knowledge articles (知识库): categories, tags, versions, the review log and readers' feedback.

An article's text lives in its versions. ``current_version`` is the one editors work on;
``live_version`` is the one readers see, set when a version is approved and cleared when the
article is archived. Editing a version that has ever been published makes a new version, so the
live text stays as approved until the new one passes review.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.core.search.models import Audience
from sasms.tickets.choices import ComponentArea


class ArticleStatus(models.TextChoices):
    """The state of the article's working version."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ArticleLanguage(models.TextChoices):
    # Each language named in itself, as in the profile's language choice.
    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"


class ReviewAction(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved and published")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    WITHDRAWN = "withdrawn", _("Withdrawn from review")
    ARCHIVED = "archived", _("Archived")
    RESTORED = "restored", _("Restored as draft")


class Category(models.Model):
    """A shelf of the knowledge base (disks and storage, power, memory, BMC …)."""

    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="knowledge_category_name_unique_ci",
                violation_error_message=_("A category with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A free keyword shared by articles; unique whatever its case."""

    name = models.CharField(_("name"), max_length=40)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="knowledge_tag_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """One knowledge article: its classification, workflow state, counters and version pointers."""

    # The working version's title and audience, kept here for lists and filters.
    title = models.CharField(_("title"), max_length=200)
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.INTERNAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    language = models.CharField(
        _("language"), max_length=10, choices=ArticleLanguage.choices, default=ArticleLanguage.ZH_HANS
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    vendors = models.ManyToManyField(
        "assets.Vendor", verbose_name=_("vendors"), blank=True, related_name="knowledge_articles"
    )
    server_models = models.ManyToManyField(
        "assets.ServerModel", verbose_name=_("server models"), blank=True, related_name="knowledge_articles"
    )
    component = models.CharField(_("component"), max_length=16, choices=ComponentArea.choices, blank=True)
    source_ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("drafted from request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="knowledge_articles",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="knowledge_articles",
    )
    current_version = models.ForeignKey(
        "ArticleVersion",
        verbose_name=_("working version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    live_version = models.ForeignKey(
        "ArticleVersion",
        verbose_name=_("published version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewers"), blank=True, related_name="knowledge_to_review"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    # Bumped by every content or metadata save: an editor's form carries it, and a save based on
    # an older revision is refused instead of overwriting someone else's change.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    # Counters, always changed with F() updates.
    view_count = models.PositiveIntegerField(_("views"), default=0)
    helpful_count = models.PositiveIntegerField(_("helpful"), default=0)
    not_helpful_count = models.PositiveIntegerField(_("not helpful"), default=0)

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-updated_at"], name="knowledge_status_idx"),
            models.Index(fields=["live_version"], name="knowledge_live_idx"),
            models.Index(fields=["component"], name="knowledge_component_idx"),
            models.Index(fields=["-view_count"], name="knowledge_views_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """The article's reference, e.g. KB00042."""
        return f"KB{self.pk:05d}" if self.pk else "KB"

    @property
    def has_pending_revision(self) -> bool:
        """A version newer than the live one is being worked on."""
        return self.live_version_id is not None and self.current_version_id != self.live_version_id


class ArticleVersion(models.Model):
    """The text of one version. Versions that were never published are edited in place."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"), blank=True)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    change_note = models.CharField(_("change note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["article", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="knowledge_version_unique")]

    def __str__(self) -> str:
        return f"v{self.number} {self.title}"


class ArticleReview(models.Model):
    """One step of the review workflow: who submitted, approved, sent back or archived which version."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="reviews"
    )
    version_number = models.PositiveIntegerField(_("version"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=ReviewAction.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.version_number} {self.action}"


class ArticleFeedback(models.Model):
    """A reader's answer to "did this help?", one per reader and article (changed, not repeated)."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="feedback"
    )
    version_number = models.PositiveIntegerField(_("version"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"],
                name="knowledge_feedback_one_per_reader",
                condition=models.Q(user__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {'+' if self.helpful else '-'}"


class SynonymGroup(models.Model):
    """One entry of the search dictionary: words that mean the same thing to a searcher.

    开不了机, 无法开机 and "no power" are one group; search folds them into one index term
    (:mod:`sasms.core.search.synonyms`). Seeded from ``knowledge/data/synonyms.txt``.
    """

    key = models.CharField(
        _("key"),
        max_length=40,
        unique=True,
        help_text=_("Lower-case letters and digits, starting with a letter; names the group in the index."),
    )
    # One term per line, kept as typed; matching ignores case, width and spaces.
    terms = models.TextField(_("terms"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    @property
    def term_list(self) -> list[str]:
        return [line.strip() for line in self.terms.splitlines() if line.strip()]


class ReindexStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReindexJob(models.Model):
    """A re-index of every search document after a dictionary change, with its progress."""

    status = models.CharField(_("status"), max_length=10, choices=ReindexStatus.choices, default="queued")
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("re-index job")
        verbose_name_plural = _("re-index jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)
