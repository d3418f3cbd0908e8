from django.urls import URLPattern, URLResolver, path

from sasms.integrations.views import classifier, deliveries, reviews, targets

app_name = "integrations"

urlpatterns: list[URLPattern | URLResolver] = [
    path("integrations/classifier/", classifier.ClassifierView.as_view(), name="classifier"),
    path("integrations/classifier/retrain/", classifier.retrain_view, name="retrain"),
    path("integrations/classifier/<int:pk>/activate/", classifier.activate_view, name="activate"),
    path("integrations/classifier/suggest/", classifier.suggest_view, name="suggest"),
    path("integrations/triage/", reviews.ReviewListView.as_view(), name="review_list"),
    path("integrations/triage/<int:pk>/", reviews.review_detail_view, name="review_detail"),
    path("integrations/robots/", targets.RobotListView.as_view(), name="robot_list"),
    path("integrations/robots/new/", targets.robot_form_view, name="robot_create"),
    path("integrations/robots/<int:pk>/", targets.robot_form_view, name="robot_edit"),
    path("integrations/robots/<int:pk>/delete/", targets.robot_delete_view, name="robot_delete"),
    path("integrations/robots/<int:pk>/test/", targets.robot_test_view, name="robot_test"),
    path("integrations/webhooks/", targets.WebhookListView.as_view(), name="webhook_list"),
    path("integrations/webhooks/new/", targets.webhook_form_view, name="webhook_create"),
    path("integrations/webhooks/<int:pk>/", targets.webhook_form_view, name="webhook_edit"),
    path("integrations/webhooks/<int:pk>/delete/", targets.webhook_delete_view, name="webhook_delete"),
    path("integrations/webhooks/<int:pk>/test/", targets.webhook_test_view, name="webhook_test"),
    path("integrations/deliveries/", deliveries.DeliveryListView.as_view(), name="delivery_list"),
    path("integrations/deliveries/<int:pk>/", deliveries.delivery_detail_view, name="delivery_detail"),
    path("integrations/deliveries/<int:pk>/replay/", deliveries.delivery_replay_view, name="delivery_replay"),
]
