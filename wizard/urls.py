from django.urls import path

from wizard import views

app_name = "wizard"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.page, name="page"),
]
