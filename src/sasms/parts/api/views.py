"""REST endpoints of the parts app: thin wrappers over the selectors and services.

Customers get 404 from every endpoint, as on the pages. A reservation or transfer refused for
want of stock answers 409 with ``error.code = "not_available"`` and ``error.alternatives``: other
depots and substitutes that have it.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sasms.accounts.models import User
from sasms.assets.models import ServerModel, Vendor
from sasms.core.errors import NotFound
from sasms.parts import selectors, services
from sasms.parts.api import serializers as s
from sasms.parts.api.common import (
    REFUSED,
    PartsViewSet,
    actor_of,
    depot_ref,
    field,
    part_ref,
    refused,
    ticket_ref,
    valid,
)
from sasms.parts.choices import USABLE_CONDITIONS
from sasms.parts.filtersets import (
    BalanceFilterSet,
    DepotFilterSet,
    ForecastFilterSet,
    MovementFilterSet,
    PartFilterSet,
    PolicyFilterSet,
    ProblemFilterSet,
    ReservationFilterSet,
    ReturnFilterSet,
    RmaFilterSet,
    TransferFilterSet,
)
from sasms.parts.models import (
    DefectiveReturn,
    Depot,
    Forecast,
    Movement,
    Part,
    Problem,
    Reservation,
    RmaCase,
    StockBalance,
    StockPolicy,
    Substitute,
    Transfer,
)
from sasms.parts.planner import plan_parts


class PartViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartsViewSet):
    """The parts catalogue (FRU part numbers), with stock totals over all depots."""

    serializer_class = s.PartOutput
    filterset_class = PartFilterSet
    ordering_fields = ["part_number", "unit_cost"]

    def get_queryset(self) -> QuerySet[Part]:
        return (
            selectors.parts_visible_to(actor=self.request.user)
            .prefetch_related(
                "compatible_models",
                Prefetch("substitutes", queryset=Substitute.objects.select_related("substitute")),
            )
            .order_by("part_number")
        )

    def _values(self, actor: User, data: dict[str, Any]) -> dict[str, Any]:
        if "vendor" in data:
            vendor = Vendor.objects.filter(pk=data["vendor"]).first()
            if vendor is None:
                message = _("Not found.")
                raise NotFound(message, fields={"vendor": [message]})
            data["vendor"] = vendor
        if "compatible_models" in data:
            ids = set(data["compatible_models"])
            models = list(ServerModel.objects.filter(pk__in=ids))
            if len(models) != len(ids):
                message = _("Not found.")
                raise NotFound(message, fields={"compatible_models": [message]})
            data["compatible_models"] = models
        return data

    @extend_schema(request=s.PartInput, responses={201: s.PartOutput, **REFUSED})
    def create(self, request: Request, version: str = "v1") -> Response:
        actor = actor_of(request)
        part = services.create_part(actor=actor, **self._values(actor, valid(s.PartInput, request)))
        return Response(
            s.PartOutput(self.get_queryset().get(pk=part.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.PartInput, responses={200: s.PartOutput, **REFUSED})
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        actor = actor_of(request)
        part = self.get_object()
        data = s.PartInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.update_part(actor=actor, part=part, **self._values(actor, dict(data.validated_data)))
        return Response(s.PartOutput(self.get_queryset().get(pk=part.pk)).data)

    @extend_schema(
        request=None, responses=s.AvailabilityOutput(many=True), summary="Stock of this part at every depot"
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def availability(self, request: Request, pk: str, version: str = "v1") -> Response:
        part = self.get_object()
        rows = (
            selectors.balances_visible_to(actor=request.user)
            .filter(part=part, on_hand__gt=0)
            .order_by("depot__code", "condition")
        )
        return Response(
            [
                {
                    "depot": b.depot.code,
                    "depot_name": b.depot.name,
                    "condition": b.condition,
                    "on_hand": b.on_hand,
                    "reserved": b.reserved,
                    "available": b.available,
                }
                for b in rows
            ]
        )

    @extend_schema(
        request=s.SubstituteInput, responses={201: s.PartOutput, **REFUSED}, summary="Add a substitute"
    )
    @action(detail=True, methods=["post"])
    def substitutes(self, request: Request, pk: str, version: str = "v1") -> Response:
        actor = actor_of(request)
        part = self.get_object()
        data = valid(s.SubstituteInput, request)
        services.add_substitute(
            actor=actor,
            part=part,
            substitute=part_ref(actor, data["substitute"], "substitute"),
            both_ways=data["both_ways"],
            note=data["note"],
        )
        return Response(
            s.PartOutput(self.get_queryset().get(pk=part.pk)).data, status=status.HTTP_201_CREATED
        )


class DepotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartsViewSet):
    """Stocking locations: central, regional and forward, with position and service tier."""

    serializer_class = s.DepotOutput
    filterset_class = DepotFilterSet
    ordering_fields = ["code", "name", "city"]

    def get_queryset(self) -> QuerySet[Depot]:
        return selectors.depots_visible_to(actor=self.request.user).order_by("code")

    @extend_schema(request=s.DepotInput, responses={201: s.DepotOutput, **REFUSED})
    def create(self, request: Request, version: str = "v1") -> Response:
        depot = services.create_depot(actor=actor_of(request), **valid(s.DepotInput, request))
        return Response(s.DepotOutput(depot).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DepotInput, responses={200: s.DepotOutput, **REFUSED})
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        depot = self.get_object()
        data = s.DepotInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        depot = services.update_depot(actor=actor_of(request), depot=depot, **data.validated_data)
        return Response(s.DepotOutput(depot).data)


class StockViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartsViewSet):
    """Stock per part × depot × condition: on hand, reserved, available (kept from the ledger)."""

    serializer_class = s.BalanceOutput
    filterset_class = BalanceFilterSet
    ordering_fields = ["on_hand", "reserved", "updated_at"]

    def get_queryset(self) -> QuerySet[StockBalance]:
        return selectors.balances_visible_to(actor=self.request.user).order_by(
            "part__part_number", "depot__code", "condition", "pk"
        )


class MovementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartsViewSet):
    """The stock ledger (append-only), and the hand-made movements: receive, return good, adjust, scrap."""

    serializer_class = s.MovementOutput
    filterset_class = MovementFilterSet
    ordering_fields = ["created_at", "occurred_at"]

    def get_queryset(self) -> QuerySet[Movement]:
        return selectors.movements_visible_to(actor=self.request.user).order_by("-created_at", "-id")

    def _many(self, movements: list[Movement]) -> Response:
        return Response(s.MovementOutput(movements, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ReceiveInput,
        responses={201: s.MovementOutput(many=True), **REFUSED},
        summary="Receive stock",
    )
    @action(detail=False, methods=["post"])
    def receive(self, request: Request, version: str = "v1") -> Response:
        actor = actor_of(request)
        data = valid(s.ReceiveInput, request)
        return self._many(
            services.receive_stock(
                actor=actor,
                part=part_ref(actor, data.pop("part")),
                depot=depot_ref(actor, data.pop("depot")),
                **data,
            )
        )

    @extend_schema(
        request=s.ReturnGoodInput,
        responses={201: s.MovementOutput(many=True), **REFUSED},
        summary="Return unused parts to stock",
    )
    @action(detail=False, methods=["post"], url_path="return-good")
    def return_good(self, request: Request, version: str = "v1") -> Response:
        actor = actor_of(request)
        data = valid(s.ReturnGoodInput, request)
        return self._many(
            services.return_good(
                actor=actor,
                part=part_ref(actor, data.pop("part")),
                depot=depot_ref(actor, data.pop("depot")),
                ticket=ticket_ref(actor, data.pop("ticket")),
                **data,
            )
        )

    @extend_schema(
        request=s.AdjustInput,
        responses={201: s.MovementOutput(many=True), **REFUSED},
        summary="Adjust stock, with the reason",
    )
    @action(detail=False, methods=["post"])
    def adjust(self, request: Request, version: str = "v1") -> Response:
        actor = actor_of(request)
        data = valid(s.AdjustInput, request)
        movement = services.adjust_stock(
            actor=actor,
            part=part_ref(actor, data.pop("part")),
            depot=depot_ref(actor, data.pop("depot")),
            **data,
        )
        return self._many([movement])

    @extend_schema(
        request=s.ScrapInput, responses={201: s.MovementOutput(many=True), **REFUSED}, summary="Scrap stock"
    )
    @action(detail=False, methods=["post"])
    def scrap(self, request: Request, version: str = "v1") -> Response:
        actor = actor_of(request)
        data = valid(s.ScrapInput, request)
        movement = services.scrap_stock(
            actor=actor,
            part=part_ref(actor, data.pop("part")),
            depot=depot_ref(actor, data.pop("depot")),
            **data,
        )
        return self._many([movement])


class ReservationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartsViewSet):
    """Parts held at a depot for a service request; deliver on site, or release."""

    serializer_class = s.ReservationOutput
    filterset_class = ReservationFilterSet
    ordering_fields = ["created_at", "eta"]

    def get_queryset(self) -> QuerySet[Reservation]:
        return selectors.reservations_visible_to(actor=self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        request=s.ReservationInput,
        responses={201: s.ReservationOutput, **REFUSED},
        summary="Reserve a part for a request",
    )
    def create(self, request: Request, version: str = "v1") -> Response:
        actor = actor_of(request)
        data = valid(s.ReservationInput, request)
        ticket = ticket_ref(actor, data.pop("ticket"))
        assert ticket is not None
        part = part_ref(actor, data.pop("part"))
        code = data.pop("depot", None)
        plan = plan_parts(
            ticket,
            [part],
            quantity=data["quantity"] if isinstance(data["quantity"], int) else 1,
            # With an override every usable condition may serve; the service checks who gives it.
            conditions=USABLE_CONDITIONS if data["override_reason"].strip() else None,
        ).plans[0]
        if code:
            depot = depot_ref(actor, code)
        elif plan.best is not None:
            depot = plan.best.depot
        else:
            error = services.NotAvailable(
                _("Not available: no depot has %(part)s.") % {"part": part.part_number}, alternatives=[]
            )
            return refused(error)
        try:
            reservation = services.reserve_part(actor=actor, ticket=ticket, part=part, depot=depot, **data)
        except services.NotAvailable as error:
            return refused(error)
        return Response(s.ReservationOutput(reservation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.DeliverInput, responses={200: s.ReservationOutput, **REFUSED}, summary="Delivered on site"
    )
    @action(detail=True, methods=["post"])
    def deliver(self, request: Request, pk: str, version: str = "v1") -> Response:
        data = valid(s.DeliverInput, request)
        reservation = services.mark_delivered(
            actor=actor_of(request), reservation=self.get_object(), at=data["occurred_at"]
        )
        return Response(s.ReservationOutput(reservation).data)

    @extend_schema(request=s.ReasonInput, responses={200: s.ReservationOutput, **REFUSED}, summary="Release")
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str, version: str = "v1") -> Response:
        data = valid(s.ReasonInput, request)
        reservation = services.release_reservation(
            actor=actor_of(request), reservation=self.get_object(), reason=data["reason"]
        )
        return Response(s.ReservationOutput(reservation).data)


class TransferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartsViewSet):
    """Stock moving between depots: requested (held at the source), shipped, received, or cancelled."""

    serializer_class = s.TransferOutput
    filterset_class = TransferFilterSet
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet[Transfer]:
        return selectors.transfers_visible_to(actor=self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=s.TransferInput, responses={201: s.TransferOutput, **REFUSED})
    def create(self, request: Request, version: str = "v1") -> Response:
        actor = actor_of(request)
        data = valid(s.TransferInput, request)
        try:
            transfer = services.request_transfer(
                actor=actor,
                part=part_ref(actor, data.pop("part")),
                from_depot=depot_ref(actor, data.pop("from_depot"), "from_depot"),
                to_depot=depot_ref(actor, data.pop("to_depot"), "to_depot"),
                ticket=ticket_ref(actor, data.pop("ticket")),
                **data,
            )
        except services.NotAvailable as error:
            return refused(error)
        return Response(s.TransferOutput(transfer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ShipInput, responses={200: s.TransferOutput, **REFUSED})
    @action(detail=True, methods=["post"])
    def ship(self, request: Request, pk: str, version: str = "v1") -> Response:
        data = valid(s.ShipInput, request)
        transfer = services.ship_transfer(actor=actor_of(request), transfer=self.get_object(), **data)
        return Response(s.TransferOutput(transfer).data)

    @extend_schema(request=None, responses={200: s.TransferOutput, **REFUSED})
    @action(detail=True, methods=["post"])
    def receive(self, request: Request, pk: str, version: str = "v1") -> Response:
        transfer = services.receive_transfer(actor=actor_of(request), transfer=self.get_object())
        return Response(s.TransferOutput(transfer).data)

    @extend_schema(request=s.ReasonInput, responses={200: s.TransferOutput, **REFUSED})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str, version: str = "v1") -> Response:
        data = valid(s.ReasonInput, request)
        transfer = services.cancel_transfer(
            actor=actor_of(request), transfer=self.get_object(), reason=data["reason"]
        )
        return Response(s.TransferOutput(transfer).data)


class DefectiveReturnViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartsViewSet):
    """Defective parts expected back from site, with their due dates."""

    serializer_class = s.ReturnOutput
    filterset_class = ReturnFilterSet
    ordering_fields = ["due_date", "created_at"]

    def get_queryset(self) -> QuerySet[DefectiveReturn]:
        return selectors.returns_visible_to(actor=self.request.user).order_by("due_date", "id")

    @extend_schema(
        request=s.ReceiveReturnInput,
        responses={200: s.ReturnOutput, **REFUSED},
        summary="Received at a depot",
    )
    @action(detail=True, methods=["post"])
    def receive(self, request: Request, pk: str, version: str = "v1") -> Response:
        actor = actor_of(request)
        data = valid(s.ReceiveReturnInput, request)
        code = data.pop("depot", None)
        item = services.receive_defective(
            actor=actor, item=self.get_object(), depot=depot_ref(actor, code) if code else None, **data
        )
        return Response(s.ReturnOutput(item).data)

    @extend_schema(
        request=s.RequiredReasonInput, responses={200: s.ReturnOutput, **REFUSED}, summary="Write off"
    )
    @action(detail=True, methods=["post"], url_path="write-off")
    def write_off(self, request: Request, pk: str, version: str = "v1") -> Response:
        data = valid(s.RequiredReasonInput, request)
        item = services.write_off_return(
            actor=actor_of(request), item=self.get_object(), reason=data["reason"]
        )
        return Response(s.ReturnOutput(item).data)


class RmaCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartsViewSet):
    """RMA cases: requested → shipped → received by vendor → repaired/replaced → back in stock → closed."""

    serializer_class = s.RmaOutput
    filterset_class = RmaFilterSet
    ordering_fields = ["created_at", "number"]

    def get_queryset(self) -> QuerySet[RmaCase]:
        return selectors.rma_cases_visible_to(actor=self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=s.RmaInput, responses={201: s.RmaOutput, **REFUSED})
    def create(self, request: Request, version: str = "v1") -> Response:
        actor = actor_of(request)
        data = valid(s.RmaInput, request)
        return_id = data.pop("defective_return")
        item = (
            field("defective_return", lambda: selectors.access_return(actor=actor, return_id=return_id))
            if return_id is not None
            else None
        )
        case = services.open_rma(
            actor=actor,
            part=part_ref(actor, data.pop("part")),
            depot=depot_ref(actor, data.pop("depot")),
            defective_return=item,
            **data,
        )
        return Response(s.RmaOutput(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RmaAdvanceInput, responses={200: s.RmaOutput, **REFUSED}, summary="Next step")
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: str, version: str = "v1") -> Response:
        actor = actor_of(request)
        data = valid(s.RmaAdvanceInput, request)
        code = data.pop("depot", None)
        case = services.advance_rma(
            actor=actor, case=self.get_object(), depot=depot_ref(actor, code) if code else None, **data
        )
        return Response(s.RmaOutput(case).data)


class ProblemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartsViewSet):
    """What the bookkeeping could not match (e.g. an unknown part used on site), for the clerk."""

    serializer_class = s.ProblemOutput
    filterset_class = ProblemFilterSet
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet[Problem]:
        return selectors.problems_visible_to(actor=self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=s.ResolveInput, responses={200: s.ProblemOutput, **REFUSED})
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str, version: str = "v1") -> Response:
        data = valid(s.ResolveInput, request)
        problem = services.resolve_problem(actor=actor_of(request), problem=self.get_object(), **data)
        return Response(s.ProblemOutput(problem).data)


class PolicyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartsViewSet):
    """Min/max per part and depot with free stock, inbound transfers and the purchase suggestion."""

    serializer_class = s.PolicyOutput
    filterset_class = PolicyFilterSet
    ordering_fields = ["updated_at"]

    def get_queryset(self) -> QuerySet[StockPolicy]:
        return selectors.policies_visible_to(actor=self.request.user).order_by(
            "part__part_number", "depot__code", "pk"
        )

    @extend_schema(
        request=s.PolicyInput,
        responses={201: s.PolicyOutput, **REFUSED},
        summary="Create or change a min/max",
    )
    def create(self, request: Request, version: str = "v1") -> Response:
        actor = actor_of(request)
        data = valid(s.PolicyInput, request)
        policy = services.set_policy(
            actor=actor,
            part=part_ref(actor, data.pop("part")),
            depot=depot_ref(actor, data.pop("depot")),
            **data,
        )
        return Response(
            s.PolicyOutput(self.get_queryset().get(pk=policy.pk)).data, status=status.HTTP_201_CREATED
        )


class ForecastViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PartsViewSet):
    """Monthly demand forecast per part and depot (Croston/SBA or installed base), with back-test error."""

    serializer_class = s.ForecastOutput
    filterset_class = ForecastFilterSet
    ordering_fields = ["per_month"]

    def get_queryset(self) -> QuerySet[Forecast]:
        return selectors.forecasts_visible_to(actor=self.request.user).order_by("-per_month", "pk")
