"""The AgendaItem machine's steps: what each transition takes, checks and does.

The chart (states, transitions, permissions) is `workflows.agenda_item`; this module
registers the machine for `agenda.AgendaItem` when the app is ready.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.agenda.models import AgendaItem, Decision, Vote
from backend.followup.models import Ratification
from backend.meetings.models import AgendaEntry, Meeting
from backend.meetings.selectors import barred_municipalities, present_municipalities, quorum_of
from backend.meetings.steps import quorum_missing
from backend.organisations.models import Body, Municipality
from workflows import predicates as can
from workflows.agenda_item import S
from workflows.declared import Count, Declared, Flag, Instance, Text, Votes
from workflows.engine import fire_as_consequence, record_step
from workflows.machine import Firing, Machine, Step, register
from workflows.params import LONG_TEXT
from workflows.states import ActionState, MeetingState, RatificationState

# --- Guards: (item, params, actor) -> reason or None -------------------------------------


def has_title(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    return None if item.title.strip() else _("The item needs a title.")


def has_rationale(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    return None if item.rationale.strip() else _("The item needs a rationale.")


def has_target_cluster(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    return None if item.target_cluster_id else _("The item needs a target cluster.")


def has_proposed_decision(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    if item.proposed_decision.strip():
        return None
    return _("The item needs a proposed decision text.")


def meeting_of_target_cluster(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    if params["meeting"].body_id != item.target_cluster_id:
        return _("The meeting is not a meeting of the item's target cluster.")
    return None


AFTER_THE_INVITATION = (MeetingState.CONVENED, MeetingState.IN_SESSION)
"""The states of a meeting whose invitation went out: an item added now is urgent."""


def meeting_accepts_items(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    """A planned meeting takes items until its deadline (after it, from a chair only), never
    as urgent; a convened or opened one only from a chair, as urgent with a reason."""
    meeting = params["meeting"]
    chair = can.is_cluster_chair(actor, item) or can.is_administrator(actor)
    if meeting.state == MeetingState.PLANNED:
        if params["urgent"]:
            return _(
                "The invitation to this meeting has not gone out yet: schedule the item "
                "without urgent."
            )
        if timezone.now() > meeting.submission_deadline and not chair:
            return _("The submission deadline of this meeting has passed.")
        return None
    if meeting.state not in AFTER_THE_INVITATION:
        return _("Items can only be added to a planned, convened or opened meeting.")
    if not chair:
        return _("Only a chair of the cluster can add an item to a convened meeting.")
    if not params["urgent"]:
        return _(
            "The invitation to this meeting has gone out: an item added now is urgent; "
            "mark it urgent and give the reason."
        )
    if not params["reason"].strip():
        return _("Give the reason for the urgency.")
    return None


def not_yet_on_that_meeting(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    if item.entries.filter(meeting=params["meeting"]).exists():
        return _("The item is already on the agenda of this meeting.")
    return None


def meeting_in_session(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    entry = item.current_entry()
    if entry is None or entry.meeting.state != MeetingState.IN_SESSION:
        return _("The meeting of this item is not in session.")
    return None


def urgency_accepted(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    entry = item.current_entry()
    if entry is not None and entry.awaits_urgency:
        return _(
            "The item was added to the meeting as urgent: the body must first accept the "
            "urgency (accept_urgency)."
        )
    return None


def awaits_urgency(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    entry = item.current_entry()
    if entry is None or not entry.urgent:
        return _("The item is not on the agenda as urgent.")
    if entry.urgency_accepted_at is not None:
        return _("The urgency of this item has already been accepted.")
    return None


def urgency_majority_reached(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    """The votes for the urgency against the body's majority, among the municipalities
    present (none: accepted without a count)."""
    entry = item.current_entry()
    if entry is None or entry.meeting.state != MeetingState.IN_SESSION:
        return None  # meeting_in_session says why
    majority = entry.meeting.body.urgency_majority
    votes = params["votes_for"]
    if majority == Body.UrgencyMajority.NONE:
        return None
    if votes is None:
        return _("Give the number of votes for the urgency.")
    present = len(quorum_of(entry.meeting).present)
    counts = {"votes": votes, "present": present}
    if votes > present:
        return _("%(votes)d votes for, but only %(present)d present.") % counts
    if majority == Body.UrgencyMajority.TWO_THIRDS:
        needed = (2 * present + 2) // 3
        if votes < needed:
            return _(
                "%(votes)d of the %(present)d present voted for the urgency; two thirds is "
                "%(needed)d."
            ) % {**counts, "needed": needed}
        return None
    needed = present // 2 + 1
    if votes < needed:
        return _(
            "%(votes)d of the %(present)d present voted for the urgency; more than half is "
            "%(needed)d."
        ) % {**counts, "needed": needed}
    return None


def waits_as_urgent(item: Any) -> bool:
    """Whether the item waits on an agenda as urgent, its urgency not yet accepted."""
    entry = item.current_entry() if item.pk and item.state == S.SCHEDULED else None
    return entry is not None and entry.awaits_urgency


def quorum_present(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    entry = item.current_entry()
    if entry is None:
        return None  # meeting_in_session already says why
    return quorum_missing(entry.meeting, entry)


def decided_on(item: Any) -> bool:
    """Whether the item is one a body decides on (not one it takes note of)."""
    return is_for_decision(item, {}, None) is None


def noted(item: Any) -> bool:
    """Whether the item is one a body takes note of."""
    return is_for_information(item, {}, None) is None


def is_for_decision(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    if item.kind == "decision":
        return None
    return _("An information item is noted, not decided.")


def is_for_information(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    if item.kind == "information":
        return None
    return _("Only an information item can be noted; decide on this one.")


def at_a_forum(item: Any) -> bool:
    """Whether the item waits on the agenda of a forum's meeting, where it is noted and
    never decided. Reads the prefetched entries when a list has them."""
    if not item.pk:
        return False
    pending = AgendaEntry.Outcome.PENDING
    cache = getattr(item, "_prefetched_objects_cache", {})
    if "entries" in cache:
        return any(
            entry.outcome == pending and not entry.meeting.body.decides
            for entry in cache["entries"]
        )
    return item.entries.filter(outcome=pending, meeting__body__kind=Body.Kind.FORUM).exists()


def decided_here(item: Any) -> bool:
    """Whether the item is decided where it waits: one for decision, not at a forum."""
    return decided_on(item) and not at_a_forum(item)


def noted_here(item: Any) -> bool:
    """Whether the item is noted where it waits: an information item, or any at a forum."""
    return noted(item) or at_a_forum(item)


def not_at_a_forum(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    if at_a_forum(item):
        return _(
            "A forum takes note of its items and decides nothing: nothing is approved or "
            "rejected at its meetings."
        )
    return None


def noted_at_this_meeting(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    """An information item is noted; at a forum's meeting every item is."""
    return None if at_a_forum(item) else is_for_information(item, params, actor)


def has_actions(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    return None if item.actions.exists() else _("Add at least one action first.")


def actions_finished(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    if item.actions.filter(state__in=ActionState.unfinished()).exists():
        return _("Every action must be done or cancelled first.")
    return None


def meeting_not_in_session(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    entry = item.current_entry()
    if entry is not None and entry.meeting.state == MeetingState.IN_SESSION:
        return _("An item cannot be withdrawn while its meeting is in session.")
    return None


def approved_by_its_body(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    decision = getattr(item, "decision", None)
    if decision is None or decision.outcome != Decision.Outcome.APPROVED:
        return _("Only an approved decision can be forwarded.")
    return None


def body_takes_it_further(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    decision = getattr(item, "decision", None)
    if decision is None:
        return None  # approved_by_its_body says why
    if not decision.body.forwards_to.filter(pk=params["body"].pk).exists():
        return _("%(deciding)s does not forward its decisions to %(body)s.") % {
            "deciding": decision.body.name,
            "body": params["body"].name,
        }
    return None


def not_yet_forwarded_there(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    decision = getattr(item, "decision", None)
    if decision is None:
        return None
    already = (
        AgendaItem.objects.filter(forwarded_from=decision, target_cluster=params["body"])
        .exclude(state__in=[S.WITHDRAWN, S.REJECTED])
        .exists()
    )
    return _("The decision is already on its way to that body.") if already else None


# --- Parameters ------------------------------------------------------------------------


def present_at_the_meeting(item: Any) -> list[Municipality] | None:
    """The municipalities whose vote an item's decision takes: those present at the
    meeting in session it is on, without a conflict of interest on its entry, by name
    (None when it is on no meeting in session)."""
    entry = item.current_entry()
    if entry is None or entry.meeting.state != MeetingState.IN_SESSION:
        return None
    present = quorum_of(entry.meeting, entry).present
    return list(Municipality.objects.filter(pk__in=present).order_by("name"))


def barred_from_voting(item: Any) -> dict[int, str]:
    """The municipalities at the meeting that do not vote on the item's entry, with the
    reason naming each: every member of it there has a conflict of interest on the entry,
    or nobody of it was there when the entry was treated (arrived later, left earlier)."""
    entry = item.current_entry()
    if entry is None or entry.meeting.state != MeetingState.IN_SESSION:
        return {}
    conflicted = barred_municipalities(entry)
    away = quorum_of(entry.meeting).present - present_municipalities(
        entry.meeting, entry, conflicts=False
    )
    reasons = {}
    for pk, name in Municipality.objects.filter(pk__in=conflicted | away).values_list("pk", "name"):
        if pk in conflicted:
            reasons[pk] = _(
                "%(municipality)s cannot vote on this entry: every member present for it has "
                "a conflict of interest."
            ) % {"municipality": name}
        else:
            reasons[pk] = _(
                "%(municipality)s cannot vote on this entry: none of its members was present "
                "when it was treated."
            ) % {"municipality": name}
    return reasons


def meetings_of_the_region(item: Any, actor: Any) -> QuerySet[Meeting]:
    # Locked for the rest of the transition: two items scheduled on one meeting at once
    # must not take the same position, nor be placed while it is being convened.
    return (
        Meeting.objects.filter(body__region=item.region_id)
        .select_related("body")
        .select_for_update(of=("self",))
    )


def meetings_taking_items(item: Any, actor: Any) -> QuerySet[Meeting]:
    """The meetings of the item's target cluster that still take items."""
    return (
        Meeting.objects.filter(
            Q(state__in=MeetingState.takes_items(), starts_at__gte=timezone.now())
            | Q(state=MeetingState.IN_SESSION),
            body=item.target_cluster_id,
        )
        .select_related("body")
        .order_by("starts_at")[:20]
    )


def meeting_shown(meeting: Meeting) -> str:
    when = formats.date_format(timezone.localtime(meeting.starts_at), "l j F Y H:i")
    return f"{meeting.body.name} · {when}"


def may_be_urgent(item: Any) -> bool:
    """Whether the page asks about urgency: the target cluster has a meeting whose
    invitation went out."""
    return Meeting.objects.filter(
        body=item.target_cluster_id, state__in=AFTER_THE_INVITATION
    ).exists()


def next_bodies(item: Any, actor: Any) -> list[Body]:
    """The bodies the deciding body forwards its decisions to."""
    decision = getattr(item, "decision", None)
    return list(decision.body.forwards_to.order_by("name")) if decision else []


SCHEDULE = Declared(
    params=(
        Instance(
            name="meeting",
            label=gettext_lazy("Meeting"),
            required=gettext_lazy("Choose the meeting to schedule the item on."),
            accepted=meetings_of_the_region,
            offered=meetings_taking_items,
            shown=meeting_shown,
            unknown=gettext_lazy("That meeting does not exist."),
            empty=gettext_lazy("The target cluster has no meeting that takes items yet."),
        ),
        Flag(
            name="urgent",
            label=gettext_lazy(
                "Urgent: added after the invitation went out (only for a convened or opened "
                "meeting)"
            ),
            when=may_be_urgent,
        ),
        Text(
            name="reason",
            label=gettext_lazy("Reason for the urgency"),
            max_length=2000,
            when=may_be_urgent,
        ),
    ),
)
ACCEPT_URGENCY = Declared(
    params=(
        Count(
            name="votes_for",
            label=gettext_lazy(
                "Municipalities present that voted for the urgency (not asked when the body "
                "accepts without a vote)"
            ),
        ),
    )
)
DECIDE = Declared(
    params=(
        Text(
            name="text",
            label=gettext_lazy("Decision text"),
            required=gettext_lazy("Give the decision text."),
            default=lambda item: item.proposed_decision,
            max_length=LONG_TEXT,
        ),
        Votes(
            label=gettext_lazy("The vote of each municipality present"),
            options=Vote.Choice,
            voters=present_at_the_meeting,
            barred=barred_from_voting,
        ),
    )
)
FORWARD = Declared(
    params=(
        Instance(
            name="body",
            label=gettext_lazy("Next body"),
            required=gettext_lazy("Choose the body to forward the decision to."),
            accepted=lambda item, actor: Body.objects.filter(region=item.region_id),
            offered=next_bodies,
            shown=lambda body: body.name,
            unknown=gettext_lazy("That body does not exist."),
        ),
    )
)


# --- Effects ---------------------------------------------------------------------------


def place_on_agenda(firing: Firing) -> None:
    item, meeting = firing.obj, firing.params["meeting"]
    last = meeting.entries.aggregate(last=Max("position"))["last"] or 0
    AgendaEntry.objects.create(
        meeting=meeting,
        item=item,
        position=last + 1,
        session=AgendaEntry.Session.CLOSED if item.confidential else AgendaEntry.Session.PUBLIC,
        urgent=firing.params["urgent"],
        # Kept only with an urgent entry; otherwise ignored.
        urgency_reason=firing.params["reason"].strip() if firing.params["urgent"] else "",
    )


def record_urgency_accepted(firing: Firing) -> None:
    entry = firing.obj.current_entry()
    entry.urgency_accepted_at = timezone.now()
    entry.urgency_votes_for = firing.params["votes_for"]
    entry.save(update_fields=["urgency_accepted_at", "urgency_votes_for"])


def close_entry(outcome: str) -> Any:
    """Return an effect that records the outcome on the item's pending agenda entry."""

    def effect(firing: Firing) -> None:
        firing.obj.entries.filter(outcome=AgendaEntry.Outcome.PENDING).update(outcome=outcome)

    effect.__name__ = f"close_entry_{outcome}"
    return effect


def record_decision(firing: Firing) -> None:
    """Create the Decision, its votes and (when approved) a Ratification per municipality."""

    item = firing.obj
    entry = item.current_entry()
    meeting = entry.meeting
    outcome = Decision.Outcome.APPROVED if firing.name == "approve" else Decision.Outcome.REJECTED
    # Lock the body so two decisions of one body never get the same number.
    body = Body.objects.select_for_update().get(pk=meeting.body_id)
    # The moment the entry is decided: after the meeting opened, before it closes.
    decided_at = timezone.now()
    year = timezone.localdate(decided_at).year
    prefix = f"{year}/{body.code}/"
    sequence = Decision.objects.filter(body=body, number__startswith=prefix).count() + 1
    tally = firing.params["tally"]
    decision = Decision.objects.create(
        item=item,
        meeting=meeting,
        body=body,
        number=f"{prefix}{sequence:03d}",
        outcome=outcome,
        text=firing.params["text"],
        consensus=firing.params["consensus"],
        secret=firing.params["secret"],
        votes_for=tally["for"],
        votes_against=tally["against"],
        votes_abstain=tally["abstain"],
        decided_at=decided_at,
        recorded_by=firing.actor,
    )
    Vote.objects.bulk_create(
        Vote(decision=decision, municipality_id=municipality, vote=choice)
        for municipality, choice in sorted(firing.params["votes"].items())
    )
    municipalities = list(item.municipalities.all())
    decision.municipalities.set(municipalities)
    if outcome == Decision.Outcome.APPROVED:
        Ratification.objects.bulk_create(
            Ratification(decision=decision, municipality=municipality)
            for municipality in municipalities
        )
    entry.outcome = outcome
    entry.save(update_fields=["outcome"])


def forward_to_next_body(firing: Firing) -> None:
    """Start the item of the next body: the same proposal, with the decision taken so far
    as its proposed decision, ready to be put on that body's agenda, linked to the earlier
    decision; its history begins with this step. Pending ratifications move along."""

    item, body = firing.obj, firing.params["body"]
    decision = item.decision
    successor = AgendaItem.objects.create(
        title=item.title,
        rationale=item.rationale,
        proposed_decision=decision.text,
        kind=item.kind,
        author=firing.actor,
        intervision_group=item.intervision_group,
        target_cluster=body,
        confidential=item.confidential,
        forwarded_from=decision,
        state=S.PREPARED,
    )
    successor.municipalities.set(item.municipalities.all())
    record_step(
        successor,
        "forward",
        firing.source,
        S.PREPARED,
        actor=firing.actor,
        comment=firing.comment,
        params={"from_item": item.pk, "decision": decision.number},
        cause=firing.log,
    )
    # The municipalities ratify the decision furthest along the road: a pending
    # ratification of this decision is no longer required, the next body's decision will
    # ask anew (each waiver logged as a consequence of the forward step).
    for ratification in decision.ratifications.filter(state=RatificationState.PENDING):
        fire_as_consequence(ratification, "waive", cause=firing)


# Approving and rejecting ask the same: a body that decides, in session, with its quorum,
# and an urgent item's urgency accepted; the decision records the outcome the step names.
DECIDING = Step(
    params=DECIDE,
    guards=(not_at_a_forum, is_for_decision, meeting_in_session, quorum_present, urgency_accepted),
    effect=record_decision,
    applies=decided_here,
)

MACHINE = register(
    "agenda.AgendaItem",
    Machine(
        name="agenda_item",
        can_view=can.can_view_item,
        relation=can.item_relation,
        steps={
            "submit": Step(guards=(has_title, has_rationale, has_target_cluster)),
            "start_preparation": Step(),
            "send_back": Step(),
            "endorse": Step(guards=(has_proposed_decision,)),
            "schedule": Step(
                params=SCHEDULE,
                guards=(meeting_of_target_cluster, meeting_accepts_items, not_yet_on_that_meeting),
                effect=place_on_agenda,
            ),
            "accept_urgency": Step(
                params=ACCEPT_URGENCY,
                guards=(awaits_urgency, meeting_in_session, urgency_majority_reached),
                effect=record_urgency_accepted,
                applies=waits_as_urgent,
            ),
            "postpone": Step(guards=(meeting_in_session,), effect=close_entry("postponed")),
            "unschedule": Step(internal=True, effect=close_entry(AgendaEntry.Outcome.CANCELLED)),
            "return_for_rework": Step(guards=(meeting_in_session,), effect=close_entry("returned")),
            "approve": DECIDING,
            "reject": DECIDING,
            "take_note": Step(
                guards=(noted_at_this_meeting, meeting_in_session, urgency_accepted),
                effect=close_entry("noted"),
                applies=noted_here,
            ),
            "start_execution": Step(guards=(has_actions,)),
            "complete": Step(guards=(actions_finished,)),
            "withdraw": Step(
                guards=(meeting_not_in_session,), effect=close_entry(AgendaEntry.Outcome.WITHDRAWN)
            ),
            "forward": Step(
                params=FORWARD,
                guards=(approved_by_its_body, body_takes_it_further, not_yet_forwarded_there),
                effect=forward_to_next_body,
            ),
        },
    ),
)
