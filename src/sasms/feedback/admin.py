from django.contrib import admin

from sasms.feedback.models import Deflection, Survey, SurveyResponse


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Rows written by the feedback services only; the admin shows them."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "organisation", "engineer", "invited_at", "rounds", "answered_at"]
    list_select_related = ["ticket", "organisation", "engineer"]
    raw_id_fields = ["ticket", "engineer"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    list_display = ["survey", "organisation", "engineer", "average", "channel", "created_at"]
    list_select_related = ["survey", "organisation", "engineer"]


@admin.register(Deflection)
class DeflectionAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "user", "article_id", "article_title", "created_at"]
    list_select_related = ["organisation", "user"]
