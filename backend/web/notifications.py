"""A person's notifications in the pages: each leads to what it is about, and is marked
read one by one or all at once."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from backend.reminders.models import Notification
from backend.reminders.services import mark_read


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the person's own notifications read (another's is not found)."""
    if not Notification.objects.filter(pk=pk, recipient=request.user.pk).exists():
        raise Http404
    mark_read(request.user, [pk])  # type: ignore[arg-type]
    return HttpResponseRedirect(reverse("web:home") + "#my-notifications")


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark all of the person's notifications read."""
    mark_read(request.user)  # type: ignore[arg-type]
    return HttpResponseRedirect(reverse("web:home") + "#my-notifications")
