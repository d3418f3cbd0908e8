"""Users, organisations, contacts, teams and API tokens."""

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasms.accounts.roles import CUSTOMER_ROLES, STAFF_ROLES, Capability, Role, capabilities_of


class OrganisationKind(models.TextChoices):
    PROVIDER = "provider", _("Service provider")
    CUSTOMER = "customer", _("Customer")
    PARTNER = "partner", _("Partner")


class Organisation(models.Model):
    """A company SASMS knows: the provider running the service desk, its customers and partners."""

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Short unique code, e.g. ACME-SH.")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=OrganisationKind.choices)
    city = models.CharField(_("city"), max_length=80, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="organisation_name_unique_ci",
                violation_error_message=_("An organisation with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person at an organisation whom the service desk talks to; may or may not have a log-in."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    # Set when the person's data was erased on request; the row stays for the service history.
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    # Set when mail to ``email`` came back as a permanent delivery failure (e-mail intake reads bounces).
    email_bounced_at = models.DateTimeField(_("e-mail bouncing since"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]
        indexes = [models.Index(Lower("email"), name="contact_email_ci_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username or "")

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("role", Role.ADMINISTRATOR)
        if "organisation" not in fields and "organisation_id" not in fields:
            provider = Organisation.objects.filter(kind=OrganisationKind.PROVIDER).order_by("id").first()
            if provider is None:
                provider = Organisation.objects.create(
                    name="Service provider", code="provider", kind=OrganisationKind.PROVIDER
                )
            fields["organisation"] = provider
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person (or an integration's machine account) who signs in with an e-mail address."""

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    language = models.CharField(
        _("language"), max_length=10, choices=[("zh-hans", "简体中文"), ("en", "English")], default="zh-hans"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    is_machine = models.BooleanField(_("machine account"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                violation_error_message=_("A user with this e-mail address already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name or self.email

    @property
    def is_customer(self) -> bool:
        return self.role in CUSTOMER_ROLES

    @property
    def is_service_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def can(self, capability: Capability) -> bool:
        return self.is_active and capability in capabilities_of(self.role)


class TeamKind(models.TextChoices):
    SERVICE_DESK = "service_desk", _("Service desk")
    STORAGE = "storage", _("Storage")
    NETWORK = "network", _("Network")
    VIRTUALISATION = "virtualisation", _("Virtualisation")
    HARDWARE = "hardware", _("Hardware")
    FIELD = "field", _("Field region")
    PARTS = "parts", _("Parts logistics")
    MANAGEMENT = "management", _("Management")


class Team(models.Model):
    """A group of the provider's staff that work is routed to."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices)
    region = models.CharField(_("region"), max_length=80, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    members = models.ManyToManyField(User, verbose_name=_("members"), related_name="teams", blank=True)
    lead = models.ForeignKey(
        User, verbose_name=_("lead"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiTokenKind(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    MACHINE = "machine", _("Machine")


class ApiToken(models.Model):
    """A revocable bearer token. Only a SHA-256 digest is stored; the secret is shown once."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=ApiTokenKind.choices)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        User, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, at: Any = None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)
