"""Service requests (工单), their timeline, attachments, links, SOP checklists and SR numbering."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.tickets.choices import (
    Category,
    Channel,
    ComponentArea,
    EventKind,
    Level,
    LinkKind,
    Priority,
    ResolutionCode,
    ServiceKind,
    Status,
    TicketType,
    Tier,
    TimeAndMaterials,
)


class DailyCounter(models.Model):
    """One row per local calendar day; its value is the last SR sequence number handed out.

    Incremented with an ``F()`` update inside the creating transaction, so the row lock serialises
    concurrent creators and a rolled-back creation gives its number back.
    """

    day = models.DateField(primary_key=True)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("SR number counter")
        verbose_name_plural = _("SR number counters")

    def __str__(self) -> str:
        return f"{self.day}: {self.value}"


class Ticket(models.Model):
    """A service request: one customer problem or wish, from intake to closure."""

    number = models.CharField(_("SR number"), max_length=20, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="tickets"
    )
    requester = models.ForeignKey(
        "accounts.Contact",
        verbose_name=_("requester"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    server = models.ForeignKey(
        "assets.Server",
        verbose_name=_("server"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    # What the server was entitled to when the request was opened; never recomputed, so a later
    # contract change does not rewrite the promise this request was worked under.
    entitlement = models.JSONField(_("entitlement at creation"), default=dict, blank=True)
    entitled = models.BooleanField(_("entitled"), default=False)
    time_and_materials = models.CharField(
        _("time and materials"), max_length=10, choices=TimeAndMaterials.choices, blank=True, default=""
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.PHONE)
    type = models.CharField(_("type"), max_length=16, choices=TicketType.choices, default=TicketType.INCIDENT)
    category = models.CharField(
        _("category"), max_length=12, choices=Category.choices, default=Category.HARDWARE
    )
    component = models.CharField(_("component"), max_length=16, choices=ComponentArea.choices, blank=True)
    service_kind = models.CharField(_("service kind"), max_length=24, choices=ServiceKind.choices)
    impact = models.CharField(_("impact"), max_length=1, choices=Level.choices, default=Level.MEDIUM)
    urgency = models.CharField(_("urgency"), max_length=1, choices=Level.choices, default=Level.MEDIUM)
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices, default=Priority.P3)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices, default=Tier.T1)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("watchers"), blank=True, related_name="watched_tickets"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # Resolution
    resolution_code = models.CharField(
        _("resolution code"), max_length=24, choices=ResolutionCode.choices, blank=True
    )
    resolution_summary = models.TextField(_("resolution summary"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    # Five "why?" answers of the root-cause analysis, first to last.
    five_whys = models.JSONField(_("5 whys"), default=list, blank=True)
    work_minutes = models.PositiveIntegerField(_("work time (min)"), default=0)
    visit_count = models.PositiveSmallIntegerField(_("on-site visits"), default=0)
    first_time_fix = models.BooleanField(_("first-time fix"), null=True, blank=True)
    customer_confirmed_at = models.DateTimeField(_("customer confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "priority", "-created_at"], name="tickets_status_prio_idx"),
            models.Index(fields=["organisation", "-created_at"], name="tickets_org_created_idx"),
            models.Index(fields=["assignee", "status"], name="tickets_assignee_idx"),
            models.Index(fields=["team", "status"], name="tickets_team_idx"),
            models.Index(fields=["-created_at", "-id"], name="tickets_created_idx"),
            models.Index(fields=["server", "-created_at"], name="tickets_server_idx"),
            models.Index(
                fields=["resolved_at"], name="tickets_autoclose_idx", condition=models.Q(status="resolved")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="resolved") | ~models.Q(resolution_code=""),
                name="tickets_resolved_has_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.RESOLVED, Status.CLOSED, Status.CANCELLED)


class TicketEvent(models.Model):
    """One line of a request's story: who did what, when. Replies and notes carry their text.

    ``public`` is what a customer may read; internal notes and staff-only changes are not public.
    """

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("service request"), on_delete=models.CASCADE, related_name="events"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("by"), max_length=254, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    public = models.BooleanField(_("visible to the customer"), default=False)
    body = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="tickets_event_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    """A file on a request (log, photo). Stored under a random name outside any served directory."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("service request"), on_delete=models.CASCADE, related_name="attachments"
    )
    event = models.ForeignKey(
        TicketEvent,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    original_name = models.CharField(_("file name"), max_length=200)
    storage_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    internal = models.BooleanField(_("internal"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class TicketLink(models.Model):
    """A directed link: ``source`` is related to / a duplicate of / the parent of ``target``."""

    source = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("kind"), max_length=16, choices=LinkKind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="tickets_link_unique"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="tickets_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class ChecklistItem(models.Model):
    """One step of the SOP checklist created with the request. ``code`` names the step; the label
    is translated when shown, so the checklist reads in the viewer's language."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="checklist")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    done = models.BooleanField(_("done"), default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["ticket", "position"]
        constraints = [models.UniqueConstraint(fields=["ticket", "code"], name="tickets_checklist_unique")]

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> Any:
        from sasms.tickets.sop import step_label

        return step_label(self.code)


class SavedView(models.Model):
    """A queue with its filters and sort, saved under a name by one staff member."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_ticket_views"
    )
    name = models.CharField(_("name"), max_length=80)
    queue = models.CharField(_("queue"), max_length=20)
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="tickets_savedview_unique")]

    def __str__(self) -> str:
        return self.name
