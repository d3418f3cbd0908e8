from django.urls import URLPattern, URLResolver, path

from sasms.field.views import dispatcher, engineer, pwa

app_name = "field"

urlpatterns: list[URLPattern | URLResolver] = [
    # The engineer's phone pages, all under /field/ so that the service worker's scope covers them.
    path("field/", engineer.my_visits_view, name="my_visits"),
    path("field/visits/<int:pk>/", engineer.visit_view, name="visit"),
    path("field/visits/<int:pk>/step/", engineer.step_view, name="step"),
    path("field/visits/<int:pk>/resolve/", engineer.resolve_view, name="resolve"),
    path("field/visits/<int:pk>/signature.png", engineer.signature_view, name="signature"),
    path("field/visits/<int:pk>/report.pdf", engineer.report_view, name="report"),
    path("field/visits/<int:pk>/reschedule/", dispatcher.reschedule_view, name="reschedule"),
    path("field/visits/<int:pk>/cancel/", dispatcher.cancel_view, name="cancel"),
    path("field/manifest.webmanifest", pwa.manifest_view, name="manifest"),
    path("field/sw.js", pwa.service_worker_view, name="service_worker"),
    path("field/offline/", pwa.offline_view, name="offline"),
    path("field/session/", pwa.session_view, name="session"),
    # The dispatcher's side.
    path("visits/", dispatcher.VisitListView.as_view(), name="visit_list"),
    path("visits/schedule/<str:number>/", dispatcher.schedule_view, name="schedule"),
]
