"""The calendar feed: a secret address a person gives their calendar program (no login)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from backend.meetings.calendar import calendar_ics
from backend.meetings.models import CalendarFeed
from backend.meetings.selectors import feed_meetings


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Serve the meetings of the feed's owner; an unknown or revoked token is 404."""
    feed = CalendarFeed.objects.select_related("person").filter(token=token).first()
    if feed is None or not feed.person.is_active:
        raise Http404
    body = calendar_ics(feed_meetings(feed.person), name=f"Midwest – {feed.person}")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
