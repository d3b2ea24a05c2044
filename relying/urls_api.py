"""The decision API's addresses (namespace `authzen`), at the paths AuthZEN 1.0 names."""

from django.urls import path

from relying import api

app_name = "authzen"

urlpatterns = [
    path(".well-known/authzen-configuration", api.configuration, name="configuration"),
    path("access/v1/evaluation", api.evaluation, name="evaluation"),
    path("access/v1/evaluations", api.evaluations, name="evaluations"),
    path("access/v1/openapi.json", api.openapi_description, name="openapi"),
]
