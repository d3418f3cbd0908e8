from django.contrib import admin

from sasms.integrations.models import ChatRobot, ClassifierModel, Delivery, WebhookSubscription


@admin.register(ClassifierModel)
class ClassifierModelAdmin(admin.ModelAdmin[ClassifierModel]):
    """Read-only: models are trained and activated through the classifier page or the command."""

    list_display = ("version", "status", "is_active", "trained_at", "sample_count", "component_macro_f1")
    readonly_fields = [f.name for f in ClassifierModel._meta.fields]


@admin.register(ChatRobot)
class ChatRobotAdmin(admin.ModelAdmin[ChatRobot]):
    list_display = ("name", "kind", "url_hint", "is_active")
    exclude = ("webhook_url_encrypted", "secret_encrypted")
    readonly_fields = ("url_hint",)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin[WebhookSubscription]):
    list_display = ("name", "url", "is_active")
    exclude = ("secret_encrypted",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    list_display = ("created_at", "target_label", "event_type", "ticket_number", "status", "attempts")
    list_filter = ("status", "target_kind")
    raw_id_fields = ("robot", "subscription", "ticket", "organisation", "replay_of", "requested_by")
