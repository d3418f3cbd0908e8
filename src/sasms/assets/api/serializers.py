"""Input and output serializers for the asset API; inputs refuse unknown fields."""

from typing import Any

from rest_framework import serializers

from sasms.assets.models import (
    BusinessRole,
    Component,
    ComponentKind,
    FormFactor,
    Server,
    ServerModel,
    ServerStatus,
    Site,
    SiteKind,
    Vendor,
)
from sasms.core.api.serializers import StrictInputSerializer


class _Partial:
    """Update inputs: every field optional."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)  # type: ignore[call-arg]


class VendorOutput(serializers.ModelSerializer[Vendor]):
    class Meta:
        model = Vendor
        fields = ["id", "name", "code", "website", "support_phone"]
        read_only_fields = fields


class VendorInput(StrictInputSerializer):
    name = serializers.CharField(max_length=80)
    code = serializers.SlugField(max_length=40)
    website = serializers.URLField(required=False, allow_blank=True)
    support_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)


class VendorUpdateInput(_Partial, VendorInput):
    pass


class ServerModelOutput(serializers.ModelSerializer[ServerModel]):
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)

    class Meta:
        model = ServerModel
        fields = [
            "id",
            "vendor",
            "vendor_name",
            "name",
            "generation",
            "form_factor",
            "release_date",
            "eol_date",
            "eosl_date",
        ]
        read_only_fields = fields


class ServerModelInput(StrictInputSerializer):
    vendor = serializers.IntegerField()
    name = serializers.CharField(max_length=120)
    generation = serializers.CharField(max_length=40, required=False, allow_blank=True)
    form_factor = serializers.ChoiceField(choices=FormFactor.choices, required=False)
    release_date = serializers.DateField(required=False, allow_null=True)
    eol_date = serializers.DateField(required=False, allow_null=True)
    eosl_date = serializers.DateField(required=False, allow_null=True)


class ServerModelUpdateInput(_Partial, ServerModelInput):
    pass


class SiteOutput(serializers.ModelSerializer[Site]):
    # Plain text in the output: the choice set is documented once, on the input.
    kind = serializers.CharField(read_only=True)
    data_centre = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)

    class Meta:
        model = Site
        fields = [
            "id",
            "organisation",
            "data_centre",
            "kind",
            "name",
            "address",
            "city",
            "latitude",
            "longitude",
            "time_zone",
            "access_notes",
        ]
        read_only_fields = fields


class SiteInput(StrictInputSerializer):
    organisation = serializers.IntegerField()
    data_centre = serializers.IntegerField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=SiteKind.choices, required=False)
    name = serializers.CharField(max_length=120)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    city = serializers.CharField(max_length=80, required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    time_zone = serializers.CharField(max_length=64, required=False)
    access_notes = serializers.CharField(required=False, allow_blank=True)


class ComponentOutput(serializers.ModelSerializer[Component]):
    kind = serializers.CharField(read_only=True)

    class Meta:
        model = Component
        fields = [
            "id",
            "server",
            "kind",
            "part_number",
            "serial",
            "slot",
            "capacity",
            "firmware",
            "description",
            "installed_at",
            "removed_at",
            "removal_reason",
            "service_request_ref",
        ]
        read_only_fields = fields


class ComponentInput(StrictInputSerializer):
    kind = serializers.ChoiceField(choices=ComponentKind.choices)
    part_number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    serial = serializers.CharField(max_length=64, required=False, allow_blank=True)
    slot = serializers.CharField(max_length=40, required=False, allow_blank=True)
    capacity = serializers.CharField(max_length=40, required=False, allow_blank=True)
    firmware = serializers.CharField(max_length=60, required=False, allow_blank=True)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    installed_at = serializers.DateTimeField(required=False)
    service_request_ref = serializers.CharField(max_length=40, required=False, allow_blank=True)


class ComponentReplaceInput(StrictInputSerializer):
    reason = serializers.CharField(max_length=300)
    service_request_ref = serializers.CharField(max_length=40, required=False, allow_blank=True)
    serial = serializers.CharField(max_length=64, required=False, allow_blank=True)
    part_number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    firmware = serializers.CharField(max_length=60, required=False, allow_blank=True)


class ServerOutput(serializers.ModelSerializer[Server]):
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    model_name = serializers.CharField(source="model.name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    eol_date = serializers.DateField(source="model.eol_date", read_only=True, allow_null=True)
    eosl_date = serializers.DateField(source="model.eosl_date", read_only=True, allow_null=True)
    # Plain text in the output: the choice set is documented once, on the input.
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Server
        fields = [
            "id",
            "vendor",
            "vendor_name",
            "model",
            "model_name",
            "serial",
            "asset_tag",
            "hostname",
            "organisation",
            "organisation_name",
            "site",
            "rack",
            "rack_unit",
            "bmc_address",
            "operating_system",
            "business_role",
            "status",
            "installation_date",
            "warranty_start",
            "warranty_end",
            "eol_date",
            "eosl_date",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ServerDetailOutput(ServerOutput):
    components = serializers.SerializerMethodField()

    class Meta(ServerOutput.Meta):
        fields = [*ServerOutput.Meta.fields, "components"]
        read_only_fields = fields

    def get_components(self, server: Server) -> list[dict[str, Any]]:
        rows = [c for c in server.components.all() if c.removed_at is None]
        return list(ComponentOutput(rows, many=True).data)


class ServerInput(StrictInputSerializer):
    model = serializers.IntegerField()
    serial = serializers.CharField(max_length=64)
    organisation = serializers.IntegerField()
    asset_tag = serializers.CharField(max_length=64, required=False, allow_blank=True)
    hostname = serializers.CharField(max_length=253, required=False, allow_blank=True)
    site = serializers.IntegerField(required=False, allow_null=True)
    rack = serializers.CharField(max_length=40, required=False, allow_blank=True)
    rack_unit = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=60)
    bmc_address = serializers.CharField(max_length=253, required=False, allow_blank=True)
    operating_system = serializers.CharField(max_length=120, required=False, allow_blank=True)
    business_role = serializers.ChoiceField(choices=BusinessRole.choices, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=ServerStatus.choices, required=False)
    installation_date = serializers.DateField(required=False, allow_null=True)
    warranty_start = serializers.DateField(required=False, allow_null=True)
    warranty_end = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
