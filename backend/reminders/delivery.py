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
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from backend.documents.render import DOCX_CONTENT_TYPE
from backend.documents.services import TemplateBroken, excerpt_file_name, excerpt_render
from backend.followup.models import Action, Ratification
from backend.meetings.calendar import meeting_ics
from backend.meetings.models import Meeting
from backend.meetings.terms import agenda_deadline, decision_list_deadline
from backend.reminders import rules
from backend.reminders.models import Notification
from workflows import predicates as can
from workflows.states import ActionState, RatificationState

Kind = Notification.Kind
logger = logging.getLogger(__name__)


def _when(value: Any) -> str:
    return formats.date_format(timezone.localtime(value), "l j F Y, H:i")


def _day(value: Any) -> str:
    return formats.date_format(value, "l j F Y")


def describe(notification: Notification) -> str:
    """Return one Dutch sentence that says what the reminder is about."""
    obj: Any = notification.subject
    kind = notification.kind
    if obj is None or not rules.may_see(notification.recipient, obj):
        return notification.get_kind_display()
    if kind == Kind.SUBMISSION_DEADLINE:
        return _("Items for %(body)s can be submitted until %(when)s.") % {
            "body": obj.body.name,
            "when": _when(obj.submission_deadline),
        }
    if kind == Kind.INVITATION:
        return _("You are invited to %(body)s on %(when)s in %(place)s.") % {
            "body": obj.body.name,
            "when": _when(obj.starts_at),
            "place": obj.location or "?",
        }
    if kind == Kind.MEETING_REMINDER:
        return _("Tomorrow: %(body)s on %(when)s in %(place)s.") % {
            "body": obj.body.name,
            "when": _when(obj.starts_at),
            "place": obj.location or "?",
        }
    if kind == Kind.MINUTES_READY:
        return _("The draft minutes of %(body)s of %(when)s are ready.") % {
            "body": obj.body.name,
            "when": _when(obj.starts_at),
        }
    if kind == Kind.ACTION_DUE:
        return _("The action “%(title)s” is due on %(day)s.") % {
            "title": obj.title,
            "day": _day(obj.due_date),
        }
    if kind == Kind.ACTION_OVERDUE:
        return _("The action “%(title)s” was due on %(day)s and is not done.") % {
            "title": obj.title,
            "day": _day(obj.due_date),
        }
    if kind == Kind.ESCALATION:
        return _("The action “%(title)s” on “%(item)s” is overdue since %(day)s.") % {
            "title": obj.title,
            "item": obj.item.title,
            "day": _day(obj.due_date),
        }
    if kind == Kind.RATIFICATION_PENDING:
        return _("%(municipality)s has not yet ratified decision %(number)s.") % {
            "municipality": obj.municipality.name,
            "number": obj.decision.number,
        }
    if kind == Kind.AGENDA_TERM:
        return _("The agenda of %(body)s of %(when)s must be public by %(deadline)s.") % {
            "body": obj.body.name,
            "when": _when(obj.starts_at),
            "deadline": _when(agenda_deadline(obj)),
        }
    if kind == Kind.DECISION_LIST_TERM:
        return _(
            "The decision list of %(body)s of %(when)s must be public by %(deadline)s; "
            "close the meeting to publish it."
        ) % {
            "body": obj.body.name,
            "when": _when(obj.starts_at),
            "deadline": _when(decision_list_deadline(obj)),
        }
    if kind == Kind.DIGEST:
        return _("Your weekly follow-up summary of %(region)s.") % {"region": obj.name}
    return notification.get_kind_display()


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


def compose(notifications: Sequence[Notification]) -> Mail:
    """Return the e-mail for one reminder, or a digest of several, to one person."""
    with translation.override(settings.LANGUAGE_CODE):
        person = notifications[0].recipient
        lines = [describe(n) for n in notifications]
        if len(notifications) == 1 and notifications[0].kind == Kind.DIGEST:
            lines += digest_lines(notifications[0].subject)
        if len(notifications) == 1:
            subject = f"Midwest: {notifications[0].get_kind_display()}"
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
