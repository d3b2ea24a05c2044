from django.urls import path

from mandates import views

app_name = "mandates"
urlpatterns = [
    path("mandates/", views.home, name="home"),
    path("enterprises/<str:number>/mandates/", views.mandate_list, name="list"),
    path("enterprises/<str:number>/mandates/export.csv", views.mandate_export, name="export"),
    path("enterprises/<str:number>/mandates/new/", views.propose, name="propose"),
    path("enterprises/<str:number>/mandates/bulk/", views.bulk_upload, name="bulk_upload"),
    path(
        "enterprises/<str:number>/mandates/bulk/example.csv",
        views.bulk_example,
        name="bulk_example",
    ),
    path(
        "enterprises/<str:number>/mandates/bulk/<int:pk>/", views.bulk_preview, name="bulk_preview"
    ),
    path(
        "enterprises/<str:number>/mandates/bulk/<int:pk>/progress/",
        views.bulk_progress,
        name="bulk_progress",
    ),
    path("enterprises/<str:number>/mandates/waiting/", views.waiting, name="waiting"),
    path(
        "enterprises/<str:number>/mandates/waiting/validate/",
        views.validate_many,
        name="validate_many",
    ),
    path("enterprises/<str:number>/mandates/<int:pk>/", views.detail, name="detail"),
    path("enterprises/<str:number>/mandates/<int:pk>/validate/", views.validate, name="validate"),
    path("enterprises/<str:number>/mandates/<int:pk>/refuse/", views.refuse, name="refuse"),
    path("enterprises/<str:number>/mandates/<int:pk>/end/", views.end, name="end"),
    path("enterprises/<str:number>/mandates/<int:pk>/transfer/", views.transfer, name="transfer"),
]
