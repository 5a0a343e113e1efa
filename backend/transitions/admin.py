"""Transitions in the Django admin, fired through the same entry point as everywhere else."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.organisations.admin import RegionScopedAdmin
from backend.web.transitions import fire_posted, forms_for
from workflows.engine import record_edit
from workflows.errors import GuardFailed, TransitionError
from workflows.predicates import deciding_body_id


class TransitionAdminMixin(RegionScopedAdmin):
    """Show a stateful object's state read-only and offer its available transitions."""

    change_form_template = "admin/transition_change_form.html"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = ["state", "version"]
        # The body that decides an item on an agenda is that meeting's: its target waits.
        if obj is not None and hasattr(obj, "target_cluster") and deciding_body_id(obj):
            fixed.append("target_cluster")
        return [*super().get_readonly_fields(request, obj), *fixed]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """An edit in the admin is an edit like any other: the row locked, the version
        raised, and (in `save_related`, once the relations are saved) on the record."""
        if change:
            stored = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            obj.version = stored.version + 1
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not change:
            return
        changes = {
            name: (_plain(form.initial.get(name)), _plain(form.cleaned_data.get(name)))
            for name in form.changed_data
        }
        for formset in formsets:
            label = formset.model._meta.model_name
            for row in formset.forms:
                if not row.has_changed() or not hasattr(row, "cleaned_data"):
                    continue
                key = f"{label}:{row.instance.pk or 'new'}"
                if row in formset.deleted_forms:
                    changes[key] = ({"id": row.instance.pk}, None)
                    continue
                changes[key] = (
                    {name: _plain(row.initial.get(name)) for name in row.changed_data},
                    {name: _plain(row.cleaned_data.get(name)) for name in row.changed_data},
                )
        record_edit(form.instance, actor=request.user, changes=changes)

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(require_POST(self.transition_view)),
                name=f"{opts.app_label}_{opts.model_name}_transition",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if obj is not None:
            opts = self.model._meta
            # The same forms as the pages: the fields each step declares.
            forms = forms_for(obj, request.user)
            for form in forms:
                form.action_url = reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_transition",
                    args=[obj.pk, form.name],
                )
            extra["transitions"] = forms
        return super().change_view(request, object_id, form_url, extra)

    def transition_view(self, request: HttpRequest, object_id: str, name: str) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = get_object_or_404(self.get_queryset(request), pk=object_id)
        back = reverse(
            f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_change",
            args=[obj.pk],
        )
        try:
            fire_posted(obj, name, request.POST, request.user)
        except GuardFailed as error:
            messages.error(request, "; ".join(str(reason) for reason in error.reasons))
        except TransitionError as error:
            if error.status == 404:
                raise Http404(str(error.message)) from None
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("%(transition)s done: the state is now %(state)s.")
                % {"transition": name, "state": obj.get_state_display()},
            )
        return HttpResponseRedirect(back)


def _plain(value: Any) -> Any:
    """A form value as the history keeps it: ids for rows, sorted ids for several."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(_plain(v) for v in value)
    return value
