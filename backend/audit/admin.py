from django.contrib import admin

from backend.audit.models import AuditEvent, TransitionLog
from backend.organisations.admin import ReadOnlyAdmin


class WholeLogAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """A log that spans every region: only administrators read it whole here, and nobody
    edits it (it is append-only)."""

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return request.user.is_superuser


@admin.register(TransitionLog)
class TransitionLogAdmin(WholeLogAdmin):
    list_display = ["at", "content_type", "object_id", "transition", "source", "target", "actor"]
    list_filter = ["content_type", "transition"]
    search_fields = ["object_id", "comment"]


@admin.register(AuditEvent)
class AuditEventAdmin(WholeLogAdmin):
    """Sign-ins, failures, sign-outs and refusals."""

    list_display = ["at", "kind", "username", "address", "method", "path", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["username", "path", "address"]
