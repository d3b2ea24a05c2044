from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("settings/", views.settings_view, name="settings"),
    path("two-factor-required/", views.mfa_required_view, name="mfa_required"),
]
