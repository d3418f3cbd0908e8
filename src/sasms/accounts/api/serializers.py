"""Input and output serializers for accounts; inputs refuse unknown fields, outputs are read-only."""

from typing import Any

from django.conf import settings
from rest_framework import serializers

from sasms.accounts.models import ApiToken, Contact, Organisation, OrganisationKind, Team, TeamKind, User
from sasms.accounts.roles import Role, capabilities_of
from sasms.core.api.serializers import StrictInputSerializer


class OrganisationOutput(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "code",
            "kind",
            "city",
            "address",
            "phone",
            "email",
            "time_zone",
            "is_active",
            "created_at",
        ]
        read_only_fields = fields


class OrganisationCreateInput(StrictInputSerializer):
    name = serializers.CharField(max_length=200)
    code = serializers.SlugField(max_length=40)
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    city = serializers.CharField(max_length=80, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    time_zone = serializers.CharField(max_length=64, required=False)
    is_active = serializers.BooleanField(required=False)


class OrganisationUpdateInput(OrganisationCreateInput):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)


class ContactOutput(serializers.ModelSerializer[Contact]):
    class Meta:
        model = Contact
        fields = ["id", "organisation", "name", "title", "email", "phone", "is_primary"]
        read_only_fields = fields


class ContactInput(StrictInputSerializer):
    name = serializers.CharField(max_length=120)
    title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    is_primary = serializers.BooleanField(required=False)


class UserOutput(serializers.ModelSerializer[User]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "phone",
            "organisation",
            "organisation_name",
            "role",
            "language",
            "time_zone",
            "is_active",
            "last_login",
            "date_joined",
        ]
        read_only_fields = fields


class MeOutput(UserOutput):
    capabilities = serializers.SerializerMethodField()

    class Meta(UserOutput.Meta):
        fields = [*UserOutput.Meta.fields, "capabilities"]
        read_only_fields = fields

    def get_capabilities(self, user: User) -> list[str]:
        return sorted(str(c) for c in capabilities_of(user.role))


class ProfileInput(StrictInputSerializer):
    full_name = serializers.CharField(max_length=120, required=False)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    time_zone = serializers.CharField(max_length=64, required=False)


class UserCreateInput(StrictInputSerializer):
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=120)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    organisation = serializers.IntegerField()
    role = serializers.ChoiceField(choices=Role.choices)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    time_zone = serializers.CharField(max_length=64, required=False)
    is_active = serializers.BooleanField(required=False)


class UserUpdateInput(UserCreateInput):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)


class TeamOutput(serializers.ModelSerializer[Team]):
    members = serializers.PrimaryKeyRelatedField[User](many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "kind", "region", "email", "lead", "members"]
        read_only_fields = fields


class TeamInput(StrictInputSerializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=TeamKind.choices)
    region = serializers.CharField(max_length=80, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class TokenOutput(serializers.ModelSerializer[ApiToken]):
    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "kind",
            "user",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        ]
        read_only_fields = fields


class TokenCreatedOutput(TokenOutput):
    secret = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(TokenOutput.Meta):
        fields = [*TokenOutput.Meta.fields, "secret"]
        read_only_fields = fields


class TokenInput(StrictInputSerializer):
    name = serializers.CharField(max_length=100)
    expires_in_days = serializers.IntegerField(
        min_value=1,
        max_value=365,
        required=False,
        allow_null=True,
        default=90,
        help_text="at most SASMS_API_TOKEN_MAX_DAYS (365); null: the longest allowed",
    )


class MachineTokenInput(StrictInputSerializer):
    name = serializers.CharField(max_length=100)
    organisation = serializers.IntegerField()
    role = serializers.ChoiceField(choices=Role.choices)
    expires_in_days = serializers.IntegerField(
        min_value=1,
        max_value=365,
        required=False,
        allow_null=True,
        default=None,
        help_text="at most SASMS_API_TOKEN_MAX_DAYS (365); null: the longest allowed",
    )
