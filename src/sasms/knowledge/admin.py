"""Read-only admin views: writes go through the pages and services (versions, review, audit, index)."""

from django.contrib import admin
from django.http import HttpRequest

from sasms.knowledge.models import Article, ArticleFeedback, Category


class ReadOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(ReadOnly, admin.ModelAdmin[Article]):
    list_display = ["id", "title", "status", "audience", "language", "component", "view_count", "updated_at"]
    list_filter = ["status", "audience", "language", "component"]
    search_fields = ["title"]


@admin.register(Category)
class CategoryAdmin(ReadOnly, admin.ModelAdmin[Category]):
    list_display = ["name", "code", "position"]


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(ReadOnly, admin.ModelAdmin[ArticleFeedback]):
    list_display = ["article", "helpful", "version_number", "user", "updated_at"]
    list_filter = ["helpful"]
