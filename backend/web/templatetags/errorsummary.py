"""The error summary of a refused form: every error, each linked to its field."""

from __future__ import annotations

from django import forms, template

register = template.Library()


@register.filter
def error_summary(form: forms.BaseForm) -> list[tuple[str, str]]:
    """Each error of the form with the id of its field ("" for the form as a whole), the
    form's own errors first and then the fields in the order the page shows them."""
    found = [(str(message), "") for message in form.non_field_errors()]
    for field in form:
        if field.is_hidden:
            found.extend((f"{field.label}: {message}", "") for message in field.errors)
            continue
        anchor = field.id_for_label or field.auto_id or ""
        found.extend((f"{field.label}: {message}", anchor) for message in field.errors)
    return found
