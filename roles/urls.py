from django.urls import path

from roles import views

app_name = "roles"
urlpatterns = [
    path("roles/", views.manage_home, name="manage_home"),
    path("roles/q/<int:eq_id>/", views.attribution_list, name="list"),
    path("roles/q/<int:eq_id>/export.csv", views.attribution_export, name="export"),
    path(
        "roles/q/<int:eq_id>/attributions/<int:pk>/", views.attribution_detail, name="attribution"
    ),
    path("roles/q/<int:eq_id>/invite/", views.invite, name="invite"),
    path("roles/q/<int:eq_id>/invitations/", views.invitations, name="invitations"),
    path(
        "roles/q/<int:eq_id>/invitations/<int:pk>/",
        views.invitation_action,
        name="invitation_action",
    ),
    path("roles/q/<int:eq_id>/direct/", views.direct, name="direct"),
    path("roles/q/<int:eq_id>/links/", views.links, name="links"),
    path("roles/q/<int:eq_id>/links/<int:pk>/disable/", views.link_disable, name="link_disable"),
    path("roles/q/<int:eq_id>/requests/<int:pk>/", views.request_decide, name="request_decide"),
    path("roles/q/<int:eq_id>/bulk/", views.bulk_upload, name="bulk_upload"),
    # A provider quality's clients, and the ways of giving its staff roles for one client
    # (the same views, under the mandate: `roles.permissions.mandate_for_manager`).
    path("roles/clients/", views.clients_home, name="clients_home"),
    path("roles/q/<int:eq_id>/clients/", views.clients, name="clients"),
    path(
        "roles/q/<int:eq_id>/clients/<int:mandate_id>/direct/",
        views.direct,
        name="client_direct",
    ),
    path(
        "roles/q/<int:eq_id>/clients/<int:mandate_id>/invite/",
        views.invite,
        name="client_invite",
    ),
    path(
        "roles/q/<int:eq_id>/clients/<int:mandate_id>/links/",
        views.links,
        name="client_links",
    ),
    path(
        "roles/q/<int:eq_id>/clients/<int:mandate_id>/bulk/",
        views.bulk_upload,
        name="client_bulk_upload",
    ),
    path("roles/q/<int:eq_id>/bulk/example.csv", views.bulk_example, name="bulk_example"),
    path("roles/q/<int:eq_id>/bulk/<int:pk>/", views.bulk_preview, name="bulk_preview"),
    path("roles/q/<int:eq_id>/bulk/<int:pk>/progress/", views.bulk_progress, name="bulk_progress"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("invitations/<str:token>/renew/", views.invitation_renew, name="invitation_renew"),
    # The slug is URL-safe base64 (roles/services.py link_create): nothing else reaches the view.
    path("links/<slug:slug>/", views.link_follow, name="link_follow"),
    path("profile/", views.profile, name="profile"),
    path(
        "profile/attributions/<int:pk>/deactivate/",
        views.profile_deactivate,
        name="profile_deactivate",
    ),
    path("profile/email/", views.profile_email, name="profile_email"),
    path(
        "profile/email/verify/<str:token>/", views.profile_email_verify, name="profile_email_verify"
    ),
    path("profile/request-role/", views.request_role, name="request_role"),
]
