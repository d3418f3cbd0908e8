"""The vocabulary of dispatch: skill kinds, languages, policies, factor keys and proposal states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SkillKind(models.TextChoices):
    """A skill is rated per request category or per component area (``sasms.tickets.choices``)."""

    CATEGORY = "category", _("Category")
    COMPONENT = "component", _("Component")


class Language(models.TextChoices):
    MANDARIN = "zh", _("Mandarin")
    CANTONESE = "yue", _("Cantonese")
    ENGLISH = "en", _("English")
    JAPANESE = "ja", _("Japanese")
    KOREAN = "ko", _("Korean")
    GERMAN = "de", _("German")


class CertificationPolicy(models.TextChoices):
    """When an engineer must hold a valid certification for the server's vendor."""

    NEVER = "never", _("Never required (scored only)")
    HARDWARE = "hardware", _("Required for hardware requests")
    ALWAYS = "always", _("Required for every request on a server")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Open for review")
    PARTIAL = "partial", _("Partly applied")
    APPLIED = "applied", _("Applied")
    DISCARDED = "discarded", _("Discarded")


class RowOutcome(models.TextChoices):
    PENDING = "pending", _("Proposed")
    APPLIED = "applied", _("Assigned")
    SKIPPED = "skipped", _("Skipped")
    FAILED = "failed", _("Refused")


# The factors the dispatch app scores itself; external factors (spare parts …) add their own keys.
SKILL = "skill"
CERTIFICATION = "certification"
TRAVEL = "travel"
LOAD = "load"
AVAILABILITY = "availability"
FTFR = "ftfr"
BUILTIN_FACTORS = (SKILL, CERTIFICATION, TRAVEL, LOAD, AVAILABILITY, FTFR)
FACTOR_LABELS = {
    SKILL: _("Skill match"),
    CERTIFICATION: _("Vendor certification"),
    TRAVEL: _("Travel time"),
    LOAD: _("Current load"),
    AVAILABILITY: _("Availability in the SLA window"),
    FTFR: _("First-time-fix rate"),
}
DEFAULT_WEIGHTS = {SKILL: 3.0, CERTIFICATION: 1.5, TRAVEL: 2.5, LOAD: 1.5, AVAILABILITY: 2.0, FTFR: 1.0}
