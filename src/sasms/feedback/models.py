"""Satisfaction surveys after resolution, their answers, and self-service deflections.

The tables keep the names they had in the portal app, where these models started.
"""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SCORE_FIELDS = ("response_speed", "expertise", "resolution", "attitude")
SCORE_MIN, SCORE_MAX = 1, 5


class AnswerChannel(models.TextChoices):
    WEB = "web", _("Portal (signed in)")
    LINK = "link", _("E-mail link")
    API = "api", _("API")


class Survey(models.Model):
    """The invitation to rate one resolved request. One per request, ever.

    Created when the request is first resolved. A reopen and a second resolution renew an
    invitation that is still unanswered (new engineer, new e-mail, ``rounds`` + 1); once answered,
    the rating stands and no second invitation is sent (the reopen itself counts against the
    first-time-fix figures, so analytics see it without asking the customer twice).
    """

    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("service request"), on_delete=models.CASCADE, related_name="survey"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    # The assignee when the request was (last) resolved: the person the answer rates.
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recipient = models.EmailField(_("sent to"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), default=timezone.now)
    rounds = models.PositiveSmallIntegerField(_("invitations sent"), default=1)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        db_table = "portal_survey"
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-invited_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-invited_at"], name="portal_survey_org_idx"),
            models.Index(fields=["-invited_at"], name="portal_survey_invited_idx"),
        ]

    def __str__(self) -> str:
        return f"survey {self.pk} of request {self.ticket_id}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


def _score_field(label: Any) -> models.PositiveSmallIntegerField:  # type: ignore[type-arg]
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )


class SurveyResponse(models.Model):
    """A customer's answer to a survey: four scores from 1 (poor) to 5 (excellent) and a comment.

    Kept with the organisation and the engineer so analytics read it without joining the request.
    """

    survey = models.OneToOneField(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="response"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("service request"), on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(_("answered through"), max_length=8, choices=AnswerChannel.choices)
    response_speed = _score_field(_("response speed"))
    expertise = _score_field(_("engineer expertise"))
    resolution = _score_field(_("resolution"))
    attitude = _score_field(_("attitude"))
    average = models.DecimalField(_("average"), max_digits=3, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        db_table = "portal_surveyresponse"
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="portal_answer_org_idx"),
            models.Index(fields=["engineer", "-created_at"], name="portal_answer_engineer_idx"),
            models.Index(fields=["-created_at", "-id"], name="portal_answer_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    **{f"{name}__gte": SCORE_MIN for name in SCORE_FIELDS},
                    **{f"{name}__lte": SCORE_MAX for name in SCORE_FIELDS},
                ),
                name="portal_answer_scores_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"answer to survey {self.survey_id}: {self.average}"


class Deflection(models.Model):
    """A customer found the answer in an article while typing a request, and opened none."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The knowledge article by id: the article may be archived later, the count stays.
    article_id = models.PositiveBigIntegerField(_("article"))
    article_title = models.CharField(_("article title"), max_length=300, blank=True)
    query = models.CharField(_("what the customer typed"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        db_table = "portal_deflection"
        verbose_name = _("deflection")
        verbose_name_plural = _("deflections")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="portal_deflection_org_idx"),
            models.Index(fields=["-created_at", "-id"], name="portal_deflection_created_idx"),
        ]

    def __str__(self) -> str:
        return f"deflection by article {self.article_id}"
