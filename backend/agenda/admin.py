from django.contrib import admin

from backend.agenda.models import AgendaItem, Decision, Vote
from backend.organisations.admin import ReadOnlyAdmin, RegionScopedAdmin, ScopedChoices
from backend.transitions.admin import TransitionAdminMixin


@admin.register(AgendaItem)
class AgendaItemAdmin(TransitionAdminMixin):
    region_path = "intervision_group__region"
    list_display = ["title", "intervision_group", "target_cluster", "state", "confidential"]
    list_filter = ["intervision_group__region", "state", "kind", "target_cluster", "confidential"]
    search_fields = ["title"]
    filter_horizontal = ["municipalities"]
    raw_id_fields = ["author"]


class VoteInline(ScopedChoices, admin.TabularInline):  # type: ignore[type-arg]
    model = Vote
    extra = 0
    can_delete = False
    readonly_fields = ["municipality", "vote"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin, RegionScopedAdmin):
    """Decisions are recorded by approve/reject and never edited or deleted."""

    region_path = "body__region"
    list_display = ["number", "item", "outcome", "secret", "meeting", "decided_at"]
    list_filter = ["outcome", "meeting__body"]
    search_fields = ["number", "item__title"]
    inlines = [VoteInline]
