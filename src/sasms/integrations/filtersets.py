import django_filters
from django.utils.translation import gettext_lazy as _

from sasms.accounts.filtersets import SearchFilterSet
from sasms.accounts.models import Organisation, OrganisationKind
from sasms.core.filters import YesNoFilter
from sasms.integrations.choices import (
    DeliveryStatus,
    EventType,
    ModelStatus,
    ReviewStatus,
    RobotKind,
    TargetKind,
    TrainingTrigger,
)
from sasms.integrations.models import (
    ChatRobot,
    ClassificationReview,
    ClassifierModel,
    Delivery,
    WebhookSubscription,
)
from sasms.tickets.choices import Category, ComponentArea, Priority


def _customers() -> object:
    return Organisation.objects.filter(kind=OrganisationKind.CUSTOMER).order_by("name")


class RobotFilterSet(SearchFilterSet):
    search_fields = ("name", "url_hint")
    kind = django_filters.ChoiceFilter(label=_("Platform"), choices=RobotKind.choices)
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = ChatRobot
        fields = ["q", "kind", "is_active"]


class WebhookFilterSet(SearchFilterSet):
    search_fields = ("name", "url")
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = WebhookSubscription
        fields = ["q", "is_active"]


class DeliveryFilterSet(SearchFilterSet):
    search_fields = ("target_label", "ticket_number", "idempotency_key")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DeliveryStatus.choices)
    target_kind = django_filters.ChoiceFilter(label=_("Target"), choices=TargetKind.choices)
    event_type = django_filters.ChoiceFilter(label=_("Event"), choices=EventType.choices)
    robot = django_filters.NumberFilter(label=_("Robot"), field_name="robot_id")
    subscription = django_filters.NumberFilter(label=_("Webhook"), field_name="subscription_id")
    since = django_filters.DateFilter(label=_("From"), field_name="created_at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("Until"), field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Delivery
        fields = ["q", "status", "target_kind", "event_type", "robot", "subscription", "since", "until"]


class ClassifierModelFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ModelStatus.choices)
    trigger = django_filters.ChoiceFilter(label=_("Trigger"), choices=TrainingTrigger.choices)
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = ClassifierModel
        fields = ["status", "trigger", "is_active"]


class ReviewFilterSet(SearchFilterSet):
    search_fields = ("ticket__number", "ticket__title")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReviewStatus.choices)
    organisation = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=_customers())
    category = django_filters.ChoiceFilter(label=_("Suggested category"), choices=Category.choices)
    component = django_filters.ChoiceFilter(label=_("Suggested component"), choices=ComponentArea.choices)
    priority = django_filters.ChoiceFilter(label=_("Suggested priority"), choices=Priority.choices)

    class Meta:
        model = ClassificationReview
        fields = ["q", "status", "organisation", "category", "component", "priority"]
