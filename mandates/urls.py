from django.urls import path

from mandates import views

app_name = "mandates"
urlpatterns = [
    path("mandates/", views.home, name="home"),
    path("enterprises/<str:number>/mandates/", views.mandate_list, name="list"),
    path("enterprises/<str:number>/mandates/export.csv", views.mandate_export, name="export"),
    path("enterprises/<str:number>/mandates/new/", views.propose, name="propose"),
    path("enterprises/<str:number>/mandates/<int:pk>/", views.detail, name="detail"),
    path("enterprises/<str:number>/mandates/<int:pk>/validate/", views.validate, name="validate"),
    path("enterprises/<str:number>/mandates/<int:pk>/refuse/", views.refuse, name="refuse"),
    path("enterprises/<str:number>/mandates/<int:pk>/end/", views.end, name="end"),
    path("enterprises/<str:number>/mandates/<int:pk>/transfer/", views.transfer, name="transfer"),
]
