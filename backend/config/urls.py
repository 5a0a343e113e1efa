"""The URL tree of the product."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from backend.http.calendar import calendar_feed

handler400 = "backend.api.exceptions.bad_request"
handler404 = "backend.api.exceptions.not_found"
handler500 = "backend.api.exceptions.server_error"

urlpatterns = [
    path("", include("backend.web.urls")),
    path("", include("backend.opendata.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The administration signs in on the product's own page, with its second step.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="web:sign-in", query_string=True),
        name="admin-sign-in",
    ),
    path("admin/", admin.site.urls),
    path("api/", include("backend.api.urls")),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar-feed"),
]
