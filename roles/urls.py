from django.urls import path

from enterprises.views import placeholder

app_name = "roles"
urlpatterns = [
    path("roles/", placeholder, name="manage_home"),
    path("profile/", placeholder, name="profile"),
    path("profile/email/", placeholder, name="profile_email"),
]
