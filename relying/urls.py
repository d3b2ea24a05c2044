"""The OpenID provider's addresses (namespace `idp:oidc`, as allauth names them):
allauth's, with the portal's authorization, token and userinfo views in front of allauth's
own at the same paths (the first match wins); the device flow, which the portal does not
offer, is not found."""

from allauth.idp.oidc.urls import urlpatterns as oidc_urlpatterns
from django.urls import path

from relying import views

app_name = "oidc"

urlpatterns = [
    path("identity/o/authorize", views.authorize, name="authorization"),
    path("identity/o/api/token", views.token, name="token"),
    path("identity/o/api/userinfo", views.user_info, name="userinfo"),
    # allauth's own (which its discovery view still reverses) stay behind these.
    path("identity/o/device", views.device_flow_not_offered, name="device_authorization"),
    path("identity/o/api/device/code", views.device_flow_not_offered, name="device_code"),
    *oidc_urlpatterns,
]
