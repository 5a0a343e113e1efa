"""What a reminder says, in Dutch, and how it leaves: an e-mail (text and HTML, with the
meeting's .ics on invitations)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from backend.agenda.models import AgendaItem
from backend.documents.render import DOCX_CONTENT_TYPE
from backend.documents.services import TemplateBroken, excerpt_file_name, excerpt_render
from backend.followup.models import Action, Ratification
from backend.meetings.calendar import agenda_lines, meeting_ics
from backend.meetings.models import Meeting
from backend.reminders import kinds
from backend.reminders.models import Notification
from backend.reminders.rules import may_see
from workflows import predicates as can
from workflows.states import ActionState, RatificationState

Kind = Notification.Kind
logger = logging.getLogger(__name__)


def describe(notification: Notification) -> str:
    """Return one Dutch sentence that says what the reminder is about (its kind says it)."""
    return kinds.describe(notification)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str
    attachments: tuple[tuple[str, bytes, str], ...] = ()


def digest_lines(region: Any) -> list[str]:
    """Return the weekly summary for the coordinator: what is late and what waits."""
    today = timezone.localdate()
    overdue = Action.objects.filter(
        item__intervision_group__region=region,
        state__in=ActionState.unfinished(),
        due_date__lt=today,
    ).count()
    open_actions = Action.objects.filter(
        item__intervision_group__region=region, state__in=ActionState.unfinished()
    ).count()
    pending = Ratification.objects.filter(
        decision__body__region=region, state=RatificationState.PENDING
    ).count()
    return [
        _("Open actions: %(n)d, of which overdue: %(late)d.")
        % {"n": open_actions, "late": overdue},
        _("Ratifications still pending: %(n)d.") % {"n": pending},
    ]


def subject_of(notification: Notification) -> str:
    """The subject of a reminder's e-mail: what it is and what it is about ("Uitnodiging:
    Ruimte en mobiliteit, 21 december"); only what it is, to someone who may not see it."""
    obj: Any = notification.subject
    kind = notification.get_kind_display()
    if obj is None or not may_see(notification.recipient, obj):
        return f"Midwest: {kind}"
    if isinstance(obj, Meeting):
        when = formats.date_format(timezone.localtime(obj.starts_at), "j F")
        about = f"{obj.body.name}, {when}"
    elif isinstance(obj, Ratification):
        about = f"{obj.decision.number}, {obj.municipality.name}"
    else:
        about = str(obj)
    return f"{capfirst(kind)}: {about}"


def link_of(notification: Notification) -> str:
    """The address of the page the reminder is about, in full (for an e-mail)."""
    return settings.SITE_URL.rstrip("/") + page_path(notification)


def page_path(notification: Notification) -> str:
    """The path of the page the reminder is about (at its place there)."""
    obj: Any = notification.subject
    if isinstance(obj, Meeting):
        path = reverse("web:meeting", args=[obj.pk])
    elif isinstance(obj, Action):
        path = reverse("web:item", args=[obj.item_id]) + f"#action-{obj.pk}"
    elif isinstance(obj, Ratification):
        path = reverse("web:item", args=[obj.decision.item_id]) + f"#ratification-{obj.pk}"
    elif isinstance(obj, AgendaItem):
        path = reverse("web:item", args=[obj.pk])
    else:
        path = reverse("web:home")
    return path


def compose(notifications: Sequence[Notification]) -> Mail:
    """Return the e-mail for one reminder, or a digest of several, to one person."""
    with translation.override(settings.LANGUAGE_CODE):
        person = notifications[0].recipient
        # Each line with the page it is about (a digest's figures and an invitation's
        # agenda, for whom may see the meeting, follow it without one).
        lines: list[tuple[str, str]] = []
        for n in notifications:
            lines.append((describe(n), link_of(n)))
            meeting = n.subject
            if (
                n.kind == Kind.INVITATION
                and isinstance(meeting, Meeting)
                and may_see(n.recipient, meeting)
            ):
                lines += [(f"  {line}", "") for line in agenda_lines(meeting)]
        if len(notifications) == 1 and notifications[0].kind == Kind.DIGEST:
            lines += [(line, "") for line in digest_lines(notifications[0].subject)]
        if len(notifications) == 1:
            subject = subject_of(notifications[0])
        else:
            subject = _("Midwest: %(n)d reminders") % {"n": len(notifications)}
        context = {"person": person, "lines": lines, "subject": subject}
        text = render_to_string("reminders/email.txt", context)
        html = render_to_string("reminders/email.html", context)
        attachments = tuple(
            (f"vergadering-{n.object_id}.ics", meeting_ics(n.subject), "text/calendar")
            for n in notifications
            if n.kind == Kind.INVITATION and isinstance(n.subject, Meeting)
        ) + tuple(
            attachment
            for n in notifications
            if wants_excerpt(n) and (attachment := excerpt_attachment(n)) is not None
        )
    return Mail(person.email, subject, text, html, attachments)


def wants_excerpt(notification: Notification) -> bool:
    """A ratification reminder carries the municipality's excerpt, when the recipient may
    see the item (a confidential decision's excerpt stays with who may read it)."""
    subject: Any = notification.subject
    return (
        notification.kind == Kind.RATIFICATION_PENDING
        and subject is not None
        and can.can_view_item(notification.recipient, subject.decision.item)
    )


def excerpt_attachment(notification: Notification) -> tuple[str, bytes, str] | None:
    """The excerpt as an attachment; a broken excerpt template leaves the reminder without
    it (and says so in the log) rather than holding the reminder back."""
    ratification: Any = notification.subject
    decision, municipality = ratification.decision, ratification.municipality
    try:
        content = excerpt_render(decision, municipality)
    except TemplateBroken:
        logger.exception("Excerpt of %s for %s left out", decision.number, municipality.name)
        return None
    return (excerpt_file_name(decision, municipality), content, DOCX_CONTENT_TYPE)


def send(mail: Mail) -> None:
    """Hand the e-mail to Django's mail framework (console, SMTP, …); raise on failure."""
    message = EmailMultiAlternatives(mail.subject, mail.text, to=[mail.to])
    message.attach_alternative(mail.html, "text/html")
    for name, content, mimetype in mail.attachments:
        message.attach(name, content, mimetype)
    message.send(fail_silently=False)
