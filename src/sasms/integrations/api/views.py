"""REST endpoints: robots, webhooks and deliveries (administrators), the classifier, the triage
list, and the caller-ID lookup for telephony systems."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle

from sasms.accounts.models import Organisation, User
from sasms.core.errors import NotFound, ServiceError
from sasms.integrations import selectors, services
from sasms.integrations.api import serializers as s
from sasms.integrations.choices import TARGETS, TrainingTrigger
from sasms.integrations.classifier.predict import classify, confidence_threshold
from sasms.integrations.crypto import decrypt
from sasms.integrations.filtersets import (
    ClassifierModelFilterSet,
    DeliveryFilterSet,
    ReviewFilterSet,
    RobotFilterSet,
    WebhookFilterSet,
)
from sasms.integrations.models import (
    ChatRobot,
    ClassificationReview,
    ClassifierModel,
    Delivery,
    WebhookSubscription,
)
from sasms.integrations.phone import InvalidNumber, parse
from sasms.tickets.events import ticket_url


def _actor(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def _organisation(organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        message = _("No such organisation.")
        raise ServiceError(message, fields={"organisation": [message]})
    return organisation


def _values(data: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict(data.validated_data)
    if "organisation" in values:
        values["organisation"] = _organisation(values["organisation"])
    return values


class RobotViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[ChatRobot],
):
    """Chat robots (WeCom, DingTalk, Feishu). Addresses and secrets are write-only."""

    serializer_class = s.RobotOutput
    filterset_class = RobotFilterSet
    ordering_fields = ["name", "created_at"]

    def get_queryset(self) -> QuerySet[ChatRobot]:
        if getattr(self, "swagger_fake_view", False):
            return ChatRobot.objects.none()
        return selectors.robots_visible_to(actor=self.request.user)

    @extend_schema(request=s.RobotCreateInput, responses={201: s.RobotOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.RobotCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        robot = services.create_robot(actor=_actor(request), **_values(data))
        return Response(s.RobotOutput(robot).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RobotUpdateInput, responses=s.RobotOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        robot = self.get_object()
        data = s.RobotUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        robot = services.update_robot(actor=_actor(request), robot=robot, **_values(data))
        return Response(s.RobotOutput(robot).data)

    def perform_destroy(self, instance: ChatRobot) -> None:
        services.delete_robot(actor=_actor(self.request), robot=instance)

    @extend_schema(request=None, responses={202: s.DeliveryOutput}, summary="Send a test message")
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str, version: str = "v1") -> Response:
        delivery = services.send_test_message(actor=_actor(request), target=self.get_object())
        return Response(s.DeliveryOutput(delivery).data, status=status.HTTP_202_ACCEPTED)


class WebhookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[WebhookSubscription],
):
    """Outbound webhook subscriptions; the signing secret is returned once, on creation."""

    serializer_class = s.WebhookOutput
    filterset_class = WebhookFilterSet
    ordering_fields = ["name", "created_at"]

    def get_queryset(self) -> QuerySet[WebhookSubscription]:
        if getattr(self, "swagger_fake_view", False):
            return WebhookSubscription.objects.none()
        return selectors.subscriptions_visible_to(actor=self.request.user)

    @extend_schema(request=s.WebhookCreateInput, responses={201: s.WebhookCreatedOutput})
    def create(self, request: Request, version: str = "v1") -> Response:
        data = s.WebhookCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.create_subscription(actor=_actor(request), **_values(data))
        output = s.WebhookCreatedOutput(
            subscription, context={"secret": decrypt(subscription.secret_encrypted)}
        )
        return Response(output.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.WebhookUpdateInput, responses=s.WebhookOutput)
    def partial_update(self, request: Request, pk: str, version: str = "v1") -> Response:
        subscription = self.get_object()
        data = s.WebhookUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.update_subscription(
            actor=_actor(request), subscription=subscription, **_values(data)
        )
        return Response(s.WebhookOutput(subscription).data)

    def perform_destroy(self, instance: WebhookSubscription) -> None:
        services.delete_subscription(actor=_actor(self.request), subscription=instance)

    @extend_schema(request=None, responses={202: s.DeliveryOutput}, summary="Send a test request")
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str, version: str = "v1") -> Response:
        delivery = services.send_test_message(actor=_actor(request), target=self.get_object())
        return Response(s.DeliveryOutput(delivery).data, status=status.HTTP_202_ACCEPTED)


class DeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Delivery]):
    """The delivery log: every message to robots and webhooks with each attempt."""

    filterset_class = DeliveryFilterSet
    ordering_fields = ["created_at", "status"]

    def get_queryset(self) -> QuerySet[Delivery]:
        if getattr(self, "swagger_fake_view", False):
            return Delivery.objects.none()
        queryset = selectors.deliveries_visible_to(actor=self.request.user)
        return queryset.prefetch_related("attempt_log") if self.action == "retrieve" else queryset

    def get_serializer_class(self) -> Any:
        return s.DeliveryDetailOutput if self.action == "retrieve" else s.DeliveryOutput

    @extend_schema(request=None, responses={202: s.DeliveryOutput}, summary="Send again as a new delivery")
    @action(detail=True, methods=["post"])
    def replay(self, request: Request, pk: str, version: str = "v1") -> Response:
        replay = services.replay_delivery(actor=_actor(request), delivery=self.get_object())
        return Response(s.DeliveryOutput(replay).data, status=status.HTTP_202_ACCEPTED)


class ClassifierModelViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ClassifierModel]
):
    """Classifier training runs with their held-out figures (service managers)."""

    serializer_class = s.ClassifierModelOutput
    filterset_class = ClassifierModelFilterSet
    ordering_fields = ["version", "trained_at"]

    def get_queryset(self) -> QuerySet[ClassifierModel]:
        if getattr(self, "swagger_fake_view", False):
            return ClassifierModel.objects.none()
        return selectors.models_visible_to(actor=self.request.user)

    @extend_schema(request=None, responses={201: s.ClassifierModelOutput}, summary="Train a new model now")
    @action(detail=False, methods=["post"])
    def retrain(self, request: Request, version: str = "v1") -> Response:
        model = services.train_classifier(actor=_actor(request), trigger=TrainingTrigger.API)
        return Response(s.ClassifierModelOutput(model).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.ClassifierModelOutput, summary="Make this model the active one")
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str, version: str = "v1") -> Response:
        model = services.activate_model(actor=_actor(request), model=self.get_object())
        return Response(s.ClassifierModelOutput(model).data)


class ClassifyViewSet(viewsets.ViewSet):
    """Category, component and priority suggested for a request's text (staff)."""

    @extend_schema(
        request=s.ClassifyInput,
        responses={200: s.PredictionOutput, 409: OpenApiResponse(description="The classifier is off.")},
    )
    def create(self, request: Request, version: str = "v1") -> Response:
        from sasms.accounts.roles import Capability
        from sasms.core.permissions import require

        require(_actor(request), Capability.WORK_TICKETS)
        data = s.ClassifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        prediction = classify(data.validated_data["title"], data.validated_data["description"])
        if prediction is None:
            return Response(
                {
                    "error": {
                        "code": "classifier_off",
                        "message": _("No classifier model is active."),
                        "fields": {},
                    }
                },
                status=status.HTTP_409_CONFLICT,
            )
        threshold = confidence_threshold()
        body: dict[str, Any] = {"model_version": prediction.model_version, "threshold": threshold}
        for target in TARGETS:
            body[target] = {
                "value": prediction.value(target),
                "confidence": prediction.confidence[target],
                "confident": prediction.confidence[target] >= threshold,
                "alternatives": [
                    {"value": v, "confidence": round(c, 4)} for v, c in prediction.alternatives[target]
                ],
            }
        return Response(s.PredictionOutput(body).data)


class ReviewViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ClassificationReview]
):
    """Classification triage: suggestions for automatic requests, to accept, override or dismiss."""

    serializer_class = s.ReviewOutput
    filterset_class = ReviewFilterSet
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet[ClassificationReview]:
        if getattr(self, "swagger_fake_view", False):
            return ClassificationReview.objects.none()
        return selectors.reviews_visible_to(actor=self.request.user)

    @extend_schema(request=s.ReviewInput, responses=s.ReviewOutput)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str, version: str = "v1") -> Response:
        review = self.get_object()
        data = s.ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.resolve_review(actor=_actor(request), review=review, **data.validated_data)
        return Response(s.ReviewOutput(review).data)


class CallerIdThrottle(UserRateThrottle):
    """A telephony system asks once per call; far more than that is a scan of the contacts."""

    scope = "caller_id"

    def get_rate(self) -> str:
        return str(getattr(settings, "SASMS_CALLER_ID_RATE", "120/min"))


class CallerIdViewSet(viewsets.ViewSet):
    """Who is calling: the contact or organisation with this phone number, and their open requests."""

    throttle_classes = [CallerIdThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "number", str, required=True, description="The calling number, in any usual form."
            ),
            OpenApiParameter("area_code", str, description="Completes a local number sent without one."),
        ],
        responses={200: s.CallerIdOutput, 404: OpenApiResponse(description="Nobody has this number.")},
    )
    def list(self, request: Request, version: str = "v1") -> Response:
        params = {k: v for k, v in request.query_params.dict().items() if k != "format"}
        query = s.CallerIdInput(data=params)
        query.is_valid(raise_exception=True)
        try:
            number = parse(query.validated_data["number"], area_code=query.validated_data["area_code"])
        except InvalidNumber as exc:
            raise ServiceError(_("The request has invalid fields."), fields={exc.field: [str(exc)]}) from exc
        matches = selectors.lookup_caller(actor=request.user, number=number)
        if not matches:
            raise NotFound(_("No contact or organisation has this number."))
        first = matches[0]
        body = {
            "number": number.e164,
            "display": number.display,
            "number_type": number.kind,
            "display_name": (
                f"{first.contact.name} ({first.organisation.name})"
                if first.contact
                else first.organisation.name
            ),
            "matches": [
                {
                    "contact": (
                        {
                            "id": m.contact.pk,
                            "name": m.contact.name,
                            "title": m.contact.title,
                            "email": m.contact.email,
                            "phone": m.contact.phone,
                        }
                        if m.contact
                        else None
                    ),
                    "organisation": {
                        "id": m.organisation.pk,
                        "code": m.organisation.code,
                        "name": m.organisation.name,
                    },
                    "open_requests": [
                        {
                            "number": t.number,
                            "title": t.title,
                            "status": t.status,
                            "priority": t.priority,
                            "url": ticket_url(t),
                        }
                        for t in m.open_requests
                    ],
                    "open_request_count": m.open_count,
                }
                for m in matches
            ],
        }
        return Response(s.CallerIdOutput(body).data)
