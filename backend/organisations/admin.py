from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from backend.organisations.models import (
    Body,
    Coalition,
    Membership,
    Municipality,
    Person,
    Region,
    Service,
    ServiceParticipation,
)


class RegionScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Show staff who are not superusers only the rows of their own region."""

    region_path = "region"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        user: Any = request.user
        if user.is_superuser:
            return queryset
        return queryset.filter(**{self.region_path: user.region_id})


@admin.register(Region)
class RegionAdmin(RegionScopedAdmin):
    region_path = "pk"
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Municipality)
class MunicipalityAdmin(RegionScopedAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Body)
class BodyAdmin(RegionScopedAdmin):
    list_display = ["name", "code", "kind", "prepares_for", "region"]
    list_filter = ["region", "kind"]
    search_fields = ["name", "code"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(RegionScopedAdmin):
    region_path = "body__region"
    list_display = ["person", "body", "role", "municipality", "start_date", "end_date"]
    list_filter = ["body__region", "role", "body"]
    search_fields = ["person__username", "person__last_name", "body__name"]
    autocomplete_fields = ["person", "body"]


class ServiceParticipationInline(admin.TabularInline):
    model = ServiceParticipation
    extra = 0


@admin.register(Service)
class ServiceAdmin(RegionScopedAdmin):
    list_display = ["name", "code", "region"]
    inlines = [ServiceParticipationInline]


@admin.register(Coalition)
class CoalitionAdmin(RegionScopedAdmin):
    list_display = ["name", "region"]
    filter_horizontal = ["municipalities"]


@admin.register(Person)
class PersonAdmin(RegionScopedAdmin, UserAdmin):  # type: ignore[misc]
    list_display = ["username", "first_name", "last_name", "function", "municipality", "region"]
    list_filter = ["region", "function", "is_coordinator", "is_staff"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            _("Midwest"),
            {
                "fields": (
                    "region",
                    "municipality",
                    "organisation",
                    "function",
                    "service",
                    "is_coordinator",
                )
            },
        ),
    )
