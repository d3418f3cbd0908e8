from django.urls import path

from sasms.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/login/verify/", views.login_verify_view, name="login_verify"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/password-reset/", views.password_reset_view, name="password_reset"),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        views.ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/profile/", views.profile_view, name="profile"),
    path("accounts/password/", views.password_change_view, name="password_change"),
    path("accounts/two-factor/", views.two_factor_view, name="two_factor"),
    path("i18n/setlang/", views.set_language_view, name="set_language"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/new/", views.organisation_form_view, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail_view, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_form_view, name="organisation_edit"),
    path("organisations/<int:organisation_pk>/contacts/new/", views.contact_form_view, name="contact_create"),
    path(
        "organisations/<int:organisation_pk>/contacts/<int:pk>/", views.contact_form_view, name="contact_edit"
    ),
    path(
        "organisations/<int:organisation_pk>/contacts/<int:pk>/privacy/export/",
        views.contact_privacy_export_view,
        name="contact_privacy_export",
    ),
    path(
        "organisations/<int:organisation_pk>/contacts/<int:pk>/privacy/erase/",
        views.contact_privacy_erase_view,
        name="contact_privacy_erase",
    ),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.user_form_view, name="user_create"),
    path("users/<int:pk>/", views.user_form_view, name="user_edit"),
    path("teams/", views.TeamListView.as_view(), name="team_list"),
    path("teams/new/", views.team_form_view, name="team_create"),
    path("teams/<int:pk>/", views.team_form_view, name="team_edit"),
    path("api-tokens/", views.TokenListView.as_view(), name="token_list"),
    path("api-tokens/new/", views.token_create_view, name="token_create"),
    path("api-tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
]
