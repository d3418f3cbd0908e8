from django.urls import URLPattern, URLResolver, path

from sasms.tickets.views import detail, intake, queues, server

app_name = "tickets"

urlpatterns: list[URLPattern | URLResolver] = [
    *(
        path(
            f"requests/queue/{name}/",
            queues.TicketQueueView.as_view(title=title, export_name=f"requests-{name}"),
            {"queue": name},
            name="queue" if name == "open" else f"queue_{name}",
        )
        for name, title in queues.QUEUE_TITLES.items()
    ),
    path("requests/bulk/", queues.bulk_view, name="bulk"),
    path("requests/views/", queues.save_view_view, name="save_view"),
    path("requests/views/<int:pk>/delete/", queues.delete_view_view, name="delete_view"),
    path("requests/intake/", intake.intake_view, name="intake"),
    path("requests/intake/callers/", intake.caller_search_view, name="intake_callers"),
    path("requests/intake/servers/", intake.server_lookup_view, name="intake_servers"),
    path("requests/intake/similar/", intake.similar_view, name="intake_similar"),
    path("requests/<str:number>/", detail.detail_view, name="detail"),
    path("requests/<str:number>/comment/", detail.comment_view, name="comment"),
    path("requests/<str:number>/transition/", detail.transition_view, name="transition"),
    path("requests/<str:number>/assign/", detail.assign_view, name="assign"),
    path("requests/<str:number>/tier/", detail.tier_view, name="tier"),
    path("requests/<str:number>/priority/", detail.priority_view, name="priority"),
    path("requests/<str:number>/server/", server.server_view, name="server"),
    path("requests/<str:number>/checklist/<int:item_id>/", detail.checklist_view, name="checklist"),
    path("requests/<str:number>/attachments/", detail.attachment_upload_view, name="attachment_upload"),
    path(
        "requests/<str:number>/attachments/<int:attachment_id>/",
        detail.attachment_download_view,
        name="attachment",
    ),
    path("requests/<str:number>/link/", detail.link_view, name="link"),
    path("requests/<str:number>/watch/", detail.watch_view, name="watch"),
    path(
        "requests/<str:number>/time-and-materials/", detail.time_and_materials_view, name="time_and_materials"
    ),
]
