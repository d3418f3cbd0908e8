from django.urls import URLPattern, URLResolver, path

from sasms.knowledge.views import ask, dictionary, editor, lists, pages, suggest

app_name = "knowledge"

urlpatterns: list[URLPattern | URLResolver] = [
    path("kb/", pages.home_view, name="home"),
    path("kb/search/", pages.search_view, name="search"),
    path("kb/suggest/", suggest.suggest_view, name="suggest"),
    path("kb/ask/", ask.ask_view, name="ask"),
    path("kb/preview/", editor.preview_view, name="preview"),
    path("kb/articles/", lists.ArticleListView.as_view(), name="article_list"),
    path("kb/articles/new/", editor.article_form_view, name="article_create"),
    path("kb/articles/<int:pk>/", pages.article_view, name="article"),
    path("kb/articles/<int:pk>/edit/", editor.article_form_view, name="article_edit"),
    path("kb/articles/<int:pk>/workflow/", editor.workflow_view, name="workflow"),
    path("kb/articles/<int:pk>/feedback/", pages.feedback_view, name="feedback"),
    path("kb/articles/<int:pk>/history/", pages.history_view, name="history"),
    path("kb/articles/<int:pk>/diff/", pages.diff_view, name="diff"),
    path("kb/review/", lists.ReviewQueueView.as_view(), name="review_queue"),
    path("kb/feedback/", lists.FeedbackListView.as_view(), name="feedback_list"),
    path("kb/categories/", lists.CategoryListView.as_view(), name="category_list"),
    path("kb/categories/new/", lists.category_form_view, name="category_create"),
    path("kb/categories/<int:pk>/edit/", lists.category_form_view, name="category_edit"),
    path("kb/dictionary/", dictionary.SynonymListView.as_view(), name="synonym_list"),
    path("kb/dictionary/new/", dictionary.synonym_form_view, name="synonym_create"),
    path("kb/dictionary/<int:pk>/edit/", dictionary.synonym_form_view, name="synonym_edit"),
    path("kb/dictionary/reindex/", dictionary.reindex_view, name="reindex"),
    path("kb/dictionary/reindex/progress/", dictionary.reindex_progress_view, name="reindex_progress"),
    path("kb/from-request/<str:number>/", editor.draft_from_ticket_view, name="draft_from_ticket"),
]
