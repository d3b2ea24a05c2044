from django.urls import path

from enterprises import views, views_public

app_name = "enterprises"
urlpatterns = [
    path("enterprises/search/", views_public.search, name="search"),
    path("enterprises/register/", views.register, name="register"),
    path(
        "enterprises/register/<str:number>/",
        views.register_designate,
        name="register_designate",
    ),
    path("enterprises/", views.mine, name="mine"),
    path("designations/accept/<str:token>/", views.accept, name="accept"),
    path("enterprises/<str:number>/", views.detail, name="detail"),
    path("enterprises/<str:number>/chain/", views.chain, name="chain"),
    path("enterprises/<str:number>/chain.svg", views.chain_picture, name="chain_svg"),
    path("enterprises/<str:number>/replace-rae/", views.replace_rae, name="replace_rae"),
    path("enterprises/<str:number>/co-raes/new/", views.designate_co_rae, name="designate_co_rae"),
    path(
        "enterprises/<str:number>/qualities/activate/",
        views.quality_activate,
        name="quality_activate",
    ),
    path(
        "enterprises/<str:number>/qualities/<int:pk>/deactivate/",
        views.quality_deactivate,
        name="quality_deactivate",
    ),
    path(
        "enterprises/<str:number>/qualities/<int:pk>/local-managers/new/",
        views.designate_gl,
        name="designate_gl",
    ),
    path(
        "enterprises/<str:number>/qualities/<int:pk>/co-local-managers/new/",
        views.designate_co_gl,
        name="designate_co_gl",
    ),
    path(
        "enterprises/<str:number>/designations/<int:pk>/revoke/",
        views.revoke,
        name="revoke",
    ),
    path(
        "enterprises/<str:number>/designations/<int:pk>/resend/",
        views.resend,
        name="resend",
    ),
    path(
        "enterprises/<str:number>/designations/<int:pk>/cancel/",
        views.cancel,
        name="cancel",
    ),
    path("contact-centre/", views.contact_centre, name="contact_centre"),
]
