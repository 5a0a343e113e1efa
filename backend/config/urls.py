"""The URL tree of the product."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from backend.meetings.views import calendar_feed

handler400 = "backend.api.exceptions.bad_request"
handler404 = "backend.api.exceptions.not_found"
handler500 = "backend.api.exceptions.server_error"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/", include("backend.api.urls")),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar-feed"),
]
