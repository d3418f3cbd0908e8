from django.urls import URLPattern, URLResolver, path

from sasms.dispatch.views import board, profiles, recommend

app_name = "dispatch"

urlpatterns: list[URLPattern | URLResolver] = [
    path("dispatch/", board.board_view, name="board"),
    path("dispatch/policy/", board.settings_view, name="settings"),
    path("dispatch/proposals/", board.ProposalListView.as_view(), name="proposal_list"),
    path("dispatch/proposals/new/", board.proposal_create_view, name="proposal_create"),
    path("dispatch/proposals/<int:pk>/", board.ProposalDetailView.as_view(), name="proposal_detail"),
    path("dispatch/proposals/<int:pk>/apply/", board.proposal_apply_view, name="proposal_apply"),
    path("dispatch/proposals/<int:pk>/discard/", board.proposal_discard_view, name="proposal_discard"),
    path("dispatch/engineers/", profiles.ProfileListView.as_view(), name="profile_list"),
    path("dispatch/engineers/new/", profiles.profile_form_view, name="profile_create"),
    path("dispatch/engineers/<int:pk>/", profiles.profile_detail_view, name="profile_detail"),
    path("dispatch/engineers/<int:pk>/edit/", profiles.profile_form_view, name="profile_edit"),
    path(
        "dispatch/engineers/<int:pk>/certifications/",
        profiles.certification_add_view,
        name="certification_add",
    ),
    path(
        "dispatch/engineers/<int:pk>/certifications/<int:cert_pk>/remove/",
        profiles.certification_remove_view,
        name="certification_remove",
    ),
    path("dispatch/engineers/<int:pk>/on-call/", profiles.on_call_add_view, name="on_call_add"),
    path(
        "dispatch/engineers/<int:pk>/on-call/<int:entry_pk>/remove/",
        profiles.on_call_remove_view,
        name="on_call_remove",
    ),
    path("dispatch/regions/", profiles.RegionListView.as_view(), name="region_list"),
    path("dispatch/regions/new/", profiles.region_form_view, name="region_create"),
    path("dispatch/regions/<int:pk>/", profiles.region_form_view, name="region_edit"),
    path("dispatch/requests/<str:number>/panel/", recommend.panel_view, name="recommendation_panel"),
    path("dispatch/requests/<str:number>/engineers/", recommend.ranking_view, name="ranking"),
    path("dispatch/requests/<str:number>/assign/", recommend.assign_view, name="assign"),
]
