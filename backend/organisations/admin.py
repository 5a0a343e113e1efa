from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
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


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "prepares_for", "region"]
    list_filter = ["region", "kind"]
    search_fields = ["name", "code"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "body", "role", "municipality", "start_date", "end_date"]
    list_filter = ["body__region", "role", "body"]
    search_fields = ["person__username", "person__last_name", "body__name"]
    autocomplete_fields = ["person", "body"]


class ServiceParticipationInline(admin.TabularInline):
    model = ServiceParticipation
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region"]
    inlines = [ServiceParticipationInline]


@admin.register(Coalition)
class CoalitionAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    filter_horizontal = ["municipalities"]


@admin.register(Person)
class PersonAdmin(UserAdmin):
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
