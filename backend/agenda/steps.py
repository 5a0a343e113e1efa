"""The AgendaItem machine's steps: what each transition takes, checks and does.

The chart (states, transitions, permissions) is `workflows.agenda_item`; this module
registers the machine for `agenda.AgendaItem` when the app is ready.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.agenda.models import AgendaItem, Decision, Vote
from backend.followup.models import Ratification
from backend.meetings.models import AgendaEntry, Meeting
from backend.meetings.selectors import quorum_of
from backend.meetings.steps import quorum_missing
from backend.organisations.models import Body
from workflows import params as p
from workflows import predicates as can
from workflows.action import ActionState
from workflows.agenda_item import S
from workflows.engine import fire_as_consequence, record_step
from workflows.errors import GuardFailed
from workflows.machine import Firing, Machine, Step, register

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


def meeting_accepts_items(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    meeting = params["meeting"]
    if params["urgent"]:
        if meeting.state not in ("planned", "convened"):
            return _("Items can only be added to a planned or convened meeting.")
        if not can.is_cluster_chair(actor, item) and not can.is_administrator(actor):
            if meeting.state == "convened":
                return _("Only a chair of the cluster can add an item to a convened meeting.")
            return _("The submission deadline of this meeting has passed.")
        return None
    if meeting.state != "planned":
        return _("Items can only be added to a planned meeting.")
    return None


def not_yet_on_that_meeting(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    if item.entries.filter(meeting=params["meeting"]).exists():
        return _("The item is already on the agenda of this meeting.")
    return None


def meeting_in_session(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    entry = item.current_entry()
    if entry is None or entry.meeting.state != "in_session":
        return _("The meeting of this item is not in session.")
    return None


def quorum_present(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    entry = item.current_entry()
    if entry is None:
        return None  # meeting_in_session already says why
    return quorum_missing(entry.meeting)


def is_for_decision(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    if item.kind == "decision":
        return None
    return _("An information item is noted, not decided.")


def is_for_information(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    if item.kind == "information":
        return None
    return _("Only an information item can be noted; decide on this one.")


def has_actions(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    return None if item.actions.exists() else _("Add at least one action first.")


def actions_finished(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    if item.actions.filter(state__in=ActionState.unfinished()).exists():
        return _("Every action must be done or cancelled first.")
    return None


def meeting_not_in_session(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    entry = item.current_entry()
    if entry is not None and entry.meeting.state == "in_session":
        return _("An item cannot be withdrawn while its meeting is in session.")
    return None


def approved_by_its_body(item: Any, params: dict[str, Any], actor: Any) -> str | None:
    decision = getattr(item, "decision", None)
    if decision is None or decision.outcome != "approved":
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


def parse_forward(item: Any, raw: Mapping[str, Any], actor: Any) -> dict[str, Any]:
    data = p.only(raw, {"body"})
    body = p.instance(
        data.get("body"),
        Body.objects.filter(region=item.region_id),
        required_reason=_("Choose the body to forward the decision to."),
        unknown_reason=_("That body does not exist."),
    )
    return {"body": body}


def parse_schedule(item: Any, raw: Mapping[str, Any], actor: Any) -> dict[str, Any]:
    data = p.only(raw, {"meeting"})
    # Lock the meeting for the rest of the transition: two items scheduled on it at once
    # must not take the same position, nor be placed while it is being convened.
    meeting = p.instance(
        data.get("meeting"),
        Meeting.objects.filter(body__region=item.region_id)
        .select_related("body")
        .select_for_update(of=("self",)),
        required_reason=_("Choose the meeting to schedule the item on."),
        unknown_reason=_("That meeting does not exist."),
    )
    urgent = meeting.state != "planned" or timezone.now() > meeting.submission_deadline
    return {"meeting": meeting, "urgent": urgent}


def parse_decision(item: Any, raw: Mapping[str, Any], actor: Any) -> dict[str, Any]:
    """Parse `{"text", "consensus": true}` or `{"text", "votes": [...]}`."""

    data = p.only(raw, {"text", "consensus", "votes"})
    reasons: list[str] = []
    try:
        decision_text = p.text(
            data.get("text"), required_reason=_("Give the decision text."), field="text"
        )
    except GuardFailed as error:
        reasons.extend(str(reason) for reason in error.reasons)
        decision_text = ""
    consensus = data.get("consensus")
    votes_raw = data.get("votes")
    votes: dict[int, str] = {}
    if consensus not in (None, True, False):
        reasons.append(_("consensus must be true or false."))
    elif (consensus is True) == (votes_raw is not None):
        reasons.append(_("Give either consensus: true or the votes, not both and not neither."))
    elif votes_raw is not None:
        entry = item.current_entry()
        in_session = entry is not None and entry.meeting.state == "in_session"
        present = quorum_of(entry.meeting).present if in_session else None
        if not isinstance(votes_raw, list):
            reasons.append(_("The votes must be a list."))
        else:
            for vote in votes_raw:
                municipality = vote.get("municipality") if isinstance(vote, dict) else None
                choice = vote.get("vote") if isinstance(vote, dict) else None
                if isinstance(municipality, bool) or not isinstance(municipality, int | str):
                    reasons.append(_("Each vote needs a municipality id."))
                    continue
                try:
                    municipality_id = int(municipality)
                except ValueError:
                    reasons.append(_("Each vote needs a municipality id."))
                    continue
                if choice not in Vote.Choice.values:
                    reasons.append(_("A vote is for, against or abstain."))
                elif municipality_id in votes:
                    reasons.append(_("A municipality can vote only once."))
                else:
                    votes[municipality_id] = choice
            # Without a meeting in session the guard says why; no vote count to compare.
            if not reasons and present is not None and set(votes) != set(present):
                reasons.append(
                    _("Give one vote for each municipality present, and only for those.")
                )
    if reasons:
        raise GuardFailed(reasons)
    return {"text": decision_text, "consensus": consensus is True, "votes": votes}


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
    )


def close_entry(outcome: str) -> Any:
    """Return an effect that records the outcome on the item's pending agenda entry."""

    def effect(firing: Firing) -> None:
        firing.obj.entries.filter(outcome="pending").update(outcome=outcome)

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
    year = timezone.localdate().year
    prefix = f"{year}/{body.code}/"
    sequence = Decision.objects.filter(body=body, number__startswith=prefix).count() + 1
    decision = Decision.objects.create(
        item=item,
        meeting=meeting,
        body=body,
        number=f"{prefix}{sequence:03d}",
        outcome=outcome,
        text=firing.params["text"],
        consensus=firing.params["consensus"],
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
    for ratification in decision.ratifications.filter(state="pending"):
        fire_as_consequence(ratification, "waive", cause=firing)


MACHINE = register(
    "agenda.AgendaItem",
    Machine(
        name="agenda_item",
        can_view=can.can_view_item,
        steps={
            "submit": Step(guards=(has_title, has_rationale, has_target_cluster)),
            "start_preparation": Step(),
            "send_back": Step(),
            "endorse": Step(guards=(has_proposed_decision,)),
            "schedule": Step(
                params=parse_schedule,
                guards=(meeting_of_target_cluster, meeting_accepts_items, not_yet_on_that_meeting),
                effect=place_on_agenda,
            ),
            "postpone": Step(guards=(meeting_in_session,), effect=close_entry("postponed")),
            "unschedule": Step(internal=True, effect=close_entry("cancelled")),
            "return_for_rework": Step(guards=(meeting_in_session,), effect=close_entry("returned")),
            "approve": Step(
                params=parse_decision,
                guards=(is_for_decision, meeting_in_session, quorum_present),
                effect=record_decision,
            ),
            "reject": Step(
                params=parse_decision,
                guards=(is_for_decision, meeting_in_session, quorum_present),
                effect=record_decision,
            ),
            "take_note": Step(
                guards=(is_for_information, meeting_in_session), effect=close_entry("noted")
            ),
            "start_execution": Step(guards=(has_actions,)),
            "complete": Step(guards=(actions_finished,)),
            "withdraw": Step(guards=(meeting_not_in_session,), effect=close_entry("withdrawn")),
            "forward": Step(
                params=parse_forward,
                guards=(approved_by_its_body, body_takes_it_further, not_yet_forwarded_there),
                effect=forward_to_next_body,
            ),
        },
    ),
)
