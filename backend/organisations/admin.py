from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
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


def is_relation(model: Any, path: str) -> bool:
    """Whether the filter path (`body__region`) ends on a relation."""
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model
        if model is None:
            return False
    return bool(field is not None and field.is_relation)


class ReadOnlyAdmin:
    """Rows that are only ever written by the workflow (decisions, the history, the audit
    log): shown in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ScopedChoices:
    """Offer staff only their own region's rows in a form's choices: a related model whose
    admin is region-scoped gives its choices through that admin's queryset."""

    admin_site: admin.AdminSite

    def scoped(self, model: Any, request: HttpRequest) -> QuerySet[Any] | None:
        related = self.admin_site._registry.get(model)
        if isinstance(related, RegionScopedAdmin):
            return related.get_queryset(request)
        return None

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        queryset = self.scoped(db_field.related_model, request)
        if queryset is not None:
            kwargs.setdefault("queryset", queryset)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        queryset = self.scoped(db_field.related_model, request)
        if queryset is not None:
            kwargs.setdefault("queryset", queryset)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class RegionScopedAdmin(ScopedChoices, admin.ModelAdmin):  # type: ignore[type-arg]
    """Show staff who are not superusers only the rows of their own region."""

    region_path = "region"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        user: Any = request.user
        if user.is_superuser:
            return queryset
        return queryset.filter(**{self.region_path: user.region_id})

    def get_list_filter(self, request: HttpRequest) -> Any:
        # A filter on a relation lists only the values in the region's own rows (Django's
        # default lists every row of the related table, other regions' included).
        return [
            (name, admin.RelatedOnlyFieldListFilter)
            if isinstance(name, str) and is_relation(self.model, name)
            else name
            for name in super().get_list_filter(request)
        ]

    def _get_obj_does_not_exist_redirect(
        self, request: HttpRequest, opts: Any, object_id: str
    ) -> HttpResponse:
        # Django redirects to the index with "does not exist"; a row of another region
        # answers 404 here as on every other page, like one that does not exist.
        raise Http404


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


class MembershipInline(ScopedChoices, admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    autocomplete_fields = ["person", "substitutes_for"]


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
    autocomplete_fields = ["person", "body", "substitutes_for"]


class ServiceParticipationInline(ScopedChoices, admin.TabularInline):  # type: ignore[type-arg]
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
