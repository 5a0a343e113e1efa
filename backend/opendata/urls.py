"""Public open data: no sign-in needed."""

from django.urls import path

from backend.opendata import views

app_name = "opendata"

urlpatterns = [
    path("open/", views.index, name="index"),
    path("open/zittingen/<int:pk>/", views.meeting_page, name="meeting"),
    path("open/zittingen/<int:pk>/<slug:kind>.jsonld", views.document, name="document"),
    path("id/<path:path>", views.dereference, name="iri"),
]
