from django.urls import path

from enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("enterprises/search/", views.search, name="search"),
    path("enterprises/register/", views.placeholder, name="register"),
    path("enterprises/", views.placeholder, name="mine"),
    path("enterprises/<str:number>/", views.placeholder, name="detail"),
    path("contact-centre/", views.placeholder, name="contact_centre"),
]
