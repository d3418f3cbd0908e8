"""REST endpoints for products, contracts and entitlement: validate input, call a service or selector."""

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from sasms.accounts.models import User
from sasms.accounts.selectors import access_organisation
from sasms.assets.models import Server
from sasms.assets.selectors import access_server
from sasms.contracts import selectors, services
from sasms.contracts.api import serializers as s
from sasms.contracts.entitlement import entitlement_for, rule_of
from sasms.contracts.filtersets import ContractApiFilterSet, ProductFilterSet
from sasms.contracts.models import Contract, ServiceProduct
from sasms.core.api.parsers import JSONParser
from sasms.core.errors import NotFound, ServiceError
from sasms.core.parsing import parse_id
from sasms.core.tenancy import scope_to_actor


def _actor(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def _named(field: str, exc: NotFound) -> NotFound:
    return NotFound(exc.message, fields={field: [exc.message]})


class ProductViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ServiceProduct]
):
    """The service-product catalogue: readable by every signed-in user, written by service managers."""

    serializer_class = s.ProductOutput
    filterset_class = ProductFilterSet
    ordering_fields = ["name", "code", "tier"]

    def get_queryset(self) -> QuerySet[ServiceProduct]:
        return selectors.products_visible_to(actor=self.request.user).order_by("-tier", "name")

    @extend_schema(request=s.ProductCreateInput, responses={201: s.ProductOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.ProductCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        product = services.create_product(actor=_actor(request), **data.validated_data)
        return Response(
            s.ProductOutput(self.get_queryset().get(pk=product.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.ProductUpdateInput, responses=s.ProductOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        product = self.get_object()
        data = s.ProductUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.update_product(actor=_actor(request), product=product, **data.validated_data)
        return Response(s.ProductOutput(self.get_queryset().get(pk=product.pk)).data)


class ContractViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Contract]):
    """Contracts: customers read their own; service managers create, change and cover servers."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    serializer_class = s.ContractOutput
    filterset_class = ContractApiFilterSet
    ordering_fields = ["number", "start_date", "end_date", "status"]

    def get_queryset(self) -> QuerySet[Contract]:
        return selectors.contracts_visible_to(actor=self.request.user).order_by("end_date", "id")

    def _output(self, contract: Contract) -> dict[str, Any]:
        return dict(s.ContractOutput(self.get_queryset().get(pk=contract.pk)).data)

    def _references(self, values: dict[str, Any]) -> dict[str, Any]:
        actor = self.request.user
        if "organisation" in values:
            try:
                values["organisation"] = access_organisation(
                    actor=actor, organisation_id=values["organisation"]
                )
            except NotFound as exc:
                raise _named("organisation", exc) from exc
        if "product" in values:
            try:
                values["product"] = selectors.access_product(actor=actor, product_id=values["product"])
            except NotFound as exc:
                raise _named("product", exc) from exc
        return values

    @extend_schema(request=s.ContractCreateInput, responses={201: s.ContractOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.ContractCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        contract = services.create_contract(
            actor=_actor(request), **self._references(dict(data.validated_data))
        )
        return Response(self._output(contract), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ContractUpdateInput, responses=s.ContractOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        contract = self.get_object()
        data = s.ContractUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = self._references(dict(data.validated_data))
        contract = services.update_contract(actor=_actor(request), contract=contract, **values)
        return Response(self._output(contract))

    @extend_schema(
        request=s.TransitionInput, responses=s.ContractOutput, summary="Change the contract status"
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str, version: str = "v1") -> Response:
        contract = self.get_object()
        data = s.TransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        contract = services.transition_contract(
            actor=_actor(request), contract=contract, **data.validated_data
        )
        return Response(self._output(contract))

    def _servers(self, ids: list[int]) -> list[Server]:
        # Any server the actor can see; the service then refuses other customers' servers by name.
        found = {x.pk: x for x in scope_to_actor(Server.objects.filter(pk__in=ids), actor=self.request.user)}
        missing = [i for i in dict.fromkeys(ids) if i not in found]
        if missing:
            messages = [_("Unknown server id %(id)d.") % {"id": i} for i in missing]
            raise NotFound(messages[0], fields={"servers": messages})
        return [found[i] for i in ids]

    @extend_schema(
        request=None, responses=s.CoveredServerOutput(many=True), summary="Servers on the contract"
    )
    # The contract list's filters (and ordering) do not apply to these rows nor to finding the contract.
    @action(detail=True, methods=["get"], filter_backends=[])
    def servers(self, request: Request, pk: str, version: str = "v1") -> Response:
        contract = self.get_object()
        rows = selectors.covered_servers(contract=contract)
        paginator = self.paginator
        assert paginator is not None
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(s.CoveredServerOutput(page, many=True).data)

    @extend_schema(request=s.ServersInput, responses=s.ContractOutput, summary="Add servers to the contract")
    @servers.mapping.post
    def cover(self, request: Request, pk: str, version: str = "v1") -> Response:
        contract = self.get_object()
        data = s.ServersInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.cover_servers(
            actor=_actor(request), contract=contract, servers=self._servers(data.validated_data["servers"])
        )
        return Response(self._output(contract))

    @extend_schema(
        request=s.ServersInput, responses=s.ContractOutput, summary="Remove servers from the contract"
    )
    @action(detail=True, methods=["post"], url_path="servers/remove")
    def uncover(self, request: Request, pk: str, version: str = "v1") -> Response:
        contract = self.get_object()
        data = s.ServersInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.uncover_servers(
            actor=_actor(request), contract=contract, servers=self._servers(data.validated_data["servers"])
        )
        return Response(self._output(contract))

    @extend_schema(
        request=None, responses=s.DocumentOutput(many=True), summary="Documents attached to the contract"
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def documents(self, request: Request, pk: str, version: str = "v1") -> Response:
        contract = self.get_object()
        return Response(s.DocumentOutput(selectors.documents_of(contract=contract), many=True).data)

    @extend_schema(
        request=None,
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        summary="Download a document",
    )
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_pk>[0-9]+)")
    def document(self, request: Request, pk: str, document_pk: str, version: str = "v1") -> FileResponse:
        contract = self.get_object()
        document = selectors.access_document(actor=request.user, contract=contract, document_id=document_pk)
        try:
            handle = document.file.open("rb")
        except FileNotFoundError as exc:
            raise NotFound(_("Not found.")) from exc
        return FileResponse(handle, as_attachment=True, filename=document.original_name)

    @extend_schema(
        request={"multipart/form-data": s.DocumentInput},
        responses={201: s.DocumentOutput},
        summary="Attach a document (PDF, office file or scan, at most 20 MB)",
    )
    @documents.mapping.post
    def attach_document(self, request: Request, pk: str, version: str = "v1") -> Response:
        contract = self.get_object()
        data = s.DocumentInput(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.attach_document(
            actor=_actor(request),
            contract=contract,
            upload=data.validated_data["file"],
            description=data.validated_data.get("description", ""),
        )
        return Response(s.DocumentOutput(document).data, status=status.HTTP_201_CREATED)


class EntitlementViewSet(viewsets.ViewSet):
    """``GET /api/v1/entitlements/?server=<id>``: what the server is entitled to now (or at ``at``)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("server", OpenApiTypes.INT, required=True, description="Server id"),
            OpenApiParameter(
                "at", OpenApiTypes.DATETIME, required=False, description="Instant to evaluate (default: now)"
            ),
        ],
        responses=s.EntitlementOutput,
        summary="Entitlement of one server",
    )
    def list(self, request: Request, version: str = "v1") -> Response:
        server_id = parse_id(request.query_params.get("server", ""))
        if server_id is None:
            message = _("Give the server id, e.g. ?server=42.")
            raise ServiceError(message, fields={"server": [message]})
        try:
            server = access_server(actor=request.user, server_id=server_id)
        except NotFound as exc:
            raise _named("server", exc) from exc
        at = None
        if request.query_params.get("at"):
            try:
                at = parse_datetime(request.query_params["at"])
            except ValueError:
                at = None
            if at is None:
                message = _("Use an ISO 8601 date-time, e.g. 2026-01-31T08:00:00Z.")
                raise ServiceError(message, fields={"at": [message]})
        result = entitlement_for(server=server, at=at)
        body = {
            "server": server.pk,
            "covered": result.covered,
            "source": result.source,
            "contract": result.contract.pk if result.contract else None,
            "contract_number": result.contract.number if result.contract else None,
            "product": s.ProductOutput(result.product).data if result.product else None,
            "coverage_ends": result.coverage_ends,
            "reason": result.reason,
            "rule": rule_of(result),
            "reason_text": result.reason_text,
        }
        return Response(s.EntitlementOutput(body).data)
