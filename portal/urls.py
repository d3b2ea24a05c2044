from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.views import LoginView, identity_check
from portal import views
from portal.admin_text import guard_admin_text

# Staff sign in through allauth too: the same rate limits, MFA and reauthentication.
admin.site.login = secure_admin_login(admin.site.login)
guard_admin_text(admin.site)
admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME

urlpatterns = [
    # The decision API of the applications' back-ends (OpenID AuthZEN) first: it is asked on
    # every request of an application, and Django tries the patterns in order.
    path("", include("relying.urls_api")),
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/ready", views.healthz_ready, name="healthz_ready"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", LoginView.as_view(), name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # Under /contact-centre/ with the enterprise look-up: staff pages, second factor required.
    path("contact-centre/identity/", identity_check, name="identity_check"),
    path("", include("mandates.urls")),
    path("", include("enterprises.urls")),
    path("", include("roles.urls")),
    path("wizard/", include("wizard.urls")),
    # The OpenID provider for the applications of the catalogue (allauth's, extended).
    path("", include(([path("", include("relying.urls"))], "idp"))),
]

if settings.DEBUG:
    urlpatterns += [
        path("dev/mailbox/", views.mailbox, name="dev_mailbox"),
        path("dev/mailbox/<str:message_id>/", views.mailbox_message, name="dev_mailbox_message"),
    ]

handler400 = "portal.views.error_400"
handler500 = "portal.views.error_500"
