from django.contrib import admin

from backend.followup.models import Action, Ratification
from backend.transitions.admin import TransitionAdminMixin


@admin.register(Action)
class ActionAdmin(TransitionAdminMixin):
    region_path = "item__intervision_group__region"
    list_display = ["title", "item", "assignee", "service", "due_date", "state"]
    list_filter = ["state", "service"]
    search_fields = ["title", "item__title"]
    raw_id_fields = ["item", "assignee"]
    readonly_fields = ["blocked_reason"]


@admin.register(Ratification)
class RatificationAdmin(TransitionAdminMixin):
    region_path = "decision__body__region"
    list_display = ["decision", "municipality", "state", "date", "deciding_body", "reference"]
    list_filter = ["state", "municipality", "deciding_body"]
    readonly_fields = ["decision", "municipality", "date", "deciding_body", "reference", "reason"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # created with the decision
