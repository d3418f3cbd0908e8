"""REST endpoints for the asset register: thin wrappers over the selectors and services."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Capability
from sasms.accounts.selectors import access_organisation
from sasms.assets import selectors, services
from sasms.assets.api import serializers as s
from sasms.assets.filtersets import ServerFilterSet, ServerModelFilterSet, SiteFilterSet, VendorFilterSet
from sasms.assets.models import Component, Server, ServerModel, Site, Vendor
from sasms.core.errors import NotFound
from sasms.core.permissions import require


def _actor(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def _field(name: str, lookup: Any, *args: Any, **kwargs: Any) -> Any:
    """Resolve an id from the input; "not found" is reported on the field that named it."""
    try:
        return lookup(*args, **kwargs)
    except NotFound as exc:
        raise NotFound(exc.message, fields={name: [exc.message]}) from exc


def _resolve(actor: User, values: dict[str, Any]) -> dict[str, Any]:
    if "data_centre" in values:
        values["parent"] = values.pop("data_centre")
    if "vendor" in values:
        values["vendor"] = _field("vendor", selectors.access_vendor, actor=actor, vendor_id=values["vendor"])
    if "model" in values:
        values["model"] = _field(
            "model", selectors.access_server_model, actor=actor, model_id=values["model"]
        )
    if "organisation" in values:
        organisation: Organisation = _field(
            "organisation", access_organisation, actor=actor, organisation_id=values["organisation"]
        )
        values["organisation"] = organisation
    for name, label in (("site", "site"), ("parent", "data_centre")):
        if values.get(name) is not None:
            values[name] = _field(label, selectors.access_site, actor=actor, site_id=values[name])
    return values


class VendorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Vendor]):
    """Server manufacturers. Everyone signed in may read; asset managers write."""

    serializer_class = s.VendorOutput
    filterset_class = VendorFilterSet
    ordering_fields = ["name", "code"]

    def get_queryset(self) -> QuerySet[Vendor]:
        return selectors.vendors_visible_to(actor=self.request.user)

    @extend_schema(request=s.VendorInput, responses={201: s.VendorOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        require(_actor(request), Capability.MANAGE_ASSETS)
        data = s.VendorInput(data=request.data)
        data.is_valid(raise_exception=True)
        vendor = services.create_vendor(actor=_actor(request), **data.validated_data)
        return Response(s.VendorOutput(vendor).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.VendorUpdateInput, responses=s.VendorOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        vendor = self.get_object()
        data = s.VendorUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        vendor = services.update_vendor(actor=_actor(request), vendor=vendor, **data.validated_data)
        return Response(s.VendorOutput(vendor).data)


class ServerModelViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ServerModel]
):
    """Server models with their EOL and EOSL dates."""

    serializer_class = s.ServerModelOutput
    filterset_class = ServerModelFilterSet
    ordering_fields = ["name", "release_date", "eol_date", "eosl_date"]

    def get_queryset(self) -> QuerySet[ServerModel]:
        return selectors.server_models_visible_to(actor=self.request.user)

    @extend_schema(request=s.ServerModelInput, responses={201: s.ServerModelOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        require(_actor(request), Capability.MANAGE_ASSETS)
        data = s.ServerModelInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = _resolve(_actor(request), dict(data.validated_data))
        model = services.create_server_model(actor=_actor(request), **values)
        return Response(s.ServerModelOutput(model).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ServerModelUpdateInput, responses=s.ServerModelOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        model = self.get_object()
        data = s.ServerModelUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = _resolve(_actor(request), dict(data.validated_data))
        model = services.update_server_model(actor=_actor(request), server_model=model, **values)
        return Response(s.ServerModelOutput(model).data)


class SiteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Site]):
    """Data centres and rooms; customers see their own organisation's."""

    serializer_class = s.SiteOutput
    filterset_class = SiteFilterSet
    ordering_fields = ["name", "city"]

    def get_queryset(self) -> QuerySet[Site]:
        return selectors.sites_visible_to(actor=self.request.user).order_by("name", "pk")

    @extend_schema(request=s.SiteInput, responses={201: s.SiteOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        require(_actor(request), Capability.MANAGE_ASSETS)
        data = s.SiteInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = _resolve(_actor(request), dict(data.validated_data))
        site = services.create_site(actor=_actor(request), **values)
        return Response(s.SiteOutput(site).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.SiteInput, responses=s.SiteOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        site = self.get_object()
        # The same serializer, partial: the site kind's choice set stays one schema component.
        data = s.SiteInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = _resolve(_actor(request), dict(data.validated_data))
        site = services.update_site(actor=_actor(request), site=site, **values)
        return Response(s.SiteOutput(site).data)


class ServerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Server]):
    """Servers; the detail carries the installed components. Customers see their own, read-only."""

    serializer_class = s.ServerOutput
    filterset_class = ServerFilterSet
    ordering_fields = ["serial", "hostname", "warranty_end", "installation_date"]

    def get_queryset(self) -> QuerySet[Server]:
        queryset = selectors.servers_visible_to(actor=self.request.user).order_by("serial", "pk")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("components", queryset=Component.objects.filter(removed_at__isnull=True))
            )
        return queryset

    def get_serializer_class(self) -> Any:
        return s.ServerDetailOutput if self.action == "retrieve" else s.ServerOutput

    def _detail(self, server: Server) -> dict[str, Any]:
        fresh = self.get_queryset().prefetch_related("components").get(pk=server.pk)
        return dict(s.ServerDetailOutput(fresh).data)

    @extend_schema(request=s.ServerInput, responses={201: s.ServerDetailOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        require(_actor(request), Capability.MANAGE_ASSETS)
        data = s.ServerInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = _resolve(_actor(request), dict(data.validated_data))
        server = services.create_server(actor=_actor(request), **values)
        return Response(self._detail(server), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ServerInput, responses=s.ServerDetailOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        server = self.get_object()
        data = s.ServerInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = _resolve(_actor(request), dict(data.validated_data))
        server = services.update_server(actor=_actor(request), server=server, **values)
        return Response(self._detail(server))

    @extend_schema(responses=s.ComponentOutput(many=True), request=None, summary="All parts, with history")
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def components(self, request: Request, pk: str, version: str = "v1") -> Response:
        server = self.get_object()
        rows = selectors.components_of(server=server).order_by("kind", "slot", "installed_at", "pk")
        return Response(s.ComponentOutput(rows, many=True).data)

    @extend_schema(request=s.ComponentInput, responses={201: s.ComponentOutput}, summary="Add a part")
    @components.mapping.post
    def add_component(self, request: Request, pk: str, version: str = "v1") -> Response:
        server = self.get_object()
        data = s.ComponentInput(data=request.data)
        data.is_valid(raise_exception=True)
        component = services.add_component(actor=_actor(request), server=server, **data.validated_data)
        return Response(s.ComponentOutput(component).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ComponentReplaceInput,
        responses={201: s.ComponentOutput},
        summary="Replace a part; the old one stays in the history",
    )
    @action(detail=True, methods=["post"], url_path=r"components/(?P<component_pk>\d+)/replace")
    def replace_component(
        self, request: Request, pk: str, component_pk: str, version: str = "v1"
    ) -> Response:
        server = self.get_object()
        component = selectors.components_of(server=server, installed=True).filter(pk=component_pk).first()
        if component is None:
            raise NotFound(_("Not found."))
        data = s.ComponentReplaceInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        new = services.replace_component(
            actor=_actor(request),
            component=component,
            reason=values.pop("reason"),
            service_request_ref=values.pop("service_request_ref", ""),
            **values,
        )
        return Response(s.ComponentOutput(new).data, status=status.HTTP_201_CREATED)
