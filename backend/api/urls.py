"""The URL tree of the API: /api/v1/ and the OpenAPI schema with its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from backend.api import documents, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# No `.json` suffixes: a suffix would also read `…/excerpts/3.5/` as municipality 3, format 5.
router.include_format_suffixes = False
router.register("regions", views.RegionViewSet, basename="region")
router.register("municipalities", views.MunicipalityViewSet, basename="municipality")
router.register("bodies", views.BodyViewSet, basename="body")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("services", views.ServiceViewSet, basename="service")
router.register("coalitions", views.CoalitionViewSet, basename="coalition")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("agenda-items", views.AgendaItemViewSet, basename="agendaitem")
router.register("decisions", views.DecisionViewSet, basename="decision")
router.register("actions", views.ActionViewSet, basename="action")
router.register("ratifications", views.RatificationViewSet, basename="ratification")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("documents", documents.DocumentViewSet, basename="document")

v1 = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("auth/tokens/", views.TokensView.as_view(), name="tokens"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/calendar/", views.CalendarFeedView.as_view(), name="me-calendar"),
    *router.urls,
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]
