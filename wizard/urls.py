from django.urls import path

from enterprises.views import placeholder

app_name = "wizard"
urlpatterns = [
    path("", placeholder, name="home"),
    path("<slug:slug>/", placeholder, name="page"),
]
