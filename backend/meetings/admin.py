from django.contrib import admin

from backend.meetings.models import AgendaEntry, Attendance, Meeting
from backend.organisations.admin import RegionScopedAdmin, ScopedChoices
from backend.transitions.admin import TransitionAdminMixin


class AgendaEntryInline(ScopedChoices, admin.TabularInline):  # type: ignore[type-arg]
    model = AgendaEntry
    extra = 0
    fields = ["position", "item", "session", "urgent", "outcome"]
    readonly_fields = ["item", "outcome"]
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # items are placed on an agenda by the `schedule` transition


class AttendanceInline(ScopedChoices, admin.TabularInline):  # type: ignore[type-arg]
    model = Attendance
    extra = 0
    readonly_fields = ["person", "status", "municipality"]
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # recorded through backend.meetings.services.attendance_record


@admin.register(Meeting)
class MeetingAdmin(TransitionAdminMixin):
    region_path = "body__region"
    list_display = ["body", "starts_at", "location", "state"]
    list_filter = ["body__region", "state", "body"]
    date_hierarchy = "starts_at"
    inlines = [AgendaEntryInline, AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(RegionScopedAdmin):
    region_path = "meeting__body__region"
    list_display = ["meeting", "person", "status", "municipality"]
    list_filter = ["status"]
