"""Public open data: no sign-in needed."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from backend.opendata import feeds, views
from backend.opendata.sitemaps import SITEMAPS

app_name = "opendata"

urlpatterns = [
    path("open/", views.index, name="index"),
    path("open/besluiten/", views.search, name="search"),
    path("open/besluiten/<int:pk>/", views.decision_page, name="decision"),
    path("open/organen/<int:pk>/", views.body_page, name="body"),
    path("open/organen/<int:pk>/archief/<int:year>.zip", views.archive, name="archive"),
    path("open/organen/<int:pk>/feed/", feeds.BodyFeed(), name="body-feed"),
    path("open/regio/<slug:slug>/feed/", feeds.RegionFeed(), name="region-feed"),
    path("open/zittingen/<int:pk>/", views.meeting_page, name="meeting"),
    path("open/zittingen/<int:pk>/<slug:kind>.jsonld", views.document, name="document"),
    path("open/zittingen/<int:pk>/<slug:kind>.docx", views.download, name="download"),
    path("open/zittingen/<int:pk>/<slug:kind>.pdf", views.download_pdf, name="download-pdf"),
    path("open/sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("id/<path:path>", views.dereference, name="iri"),
]
