from django.contrib import admin

from backend.audit.models import AuditEvent, TransitionLog


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    """The history is append-only: readable, never editable."""

    list_display = ["at", "content_type", "object_id", "transition", "source", "target", "actor"]
    list_filter = ["content_type", "transition"]
    search_fields = ["object_id", "comment"]

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # One history spans every region; only administrators read it whole here.
        return request.user.is_superuser

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Sign-ins, failures, sign-outs and refusals: readable by administrators, never edited."""

    list_display = ["at", "kind", "username", "address", "method", "path", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["username", "path", "address"]

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return request.user.is_superuser

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
