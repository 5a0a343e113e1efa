"""The AgendaItem machine through the one entry point: who may, from where, with which guards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.agenda.models import AgendaItem, Decision
from backend.audit.models import TransitionLog
from backend.followup.models import Action, Ratification
from backend.meetings.models import AgendaEntry
from backend.meetings.services import attendance_record
from tests.conftest import World
from workflows.engine import available_transitions, fire
from workflows.errors import (
    GuardFailed,
    NotPermitted,
    NotPossible,
    NotVisible,
    UnknownTransition,
)
from workflows.params import unstorable_reason

PERSONAS = [
    "author",
    "group_member",
    "group_chair",
    "cluster_chair",
    "cluster_member",
    "third_member",
    "coordinator",
    "director",
    "dvv",
]


def history(item: AgendaItem) -> list[tuple[str, str, str]]:
    return [
        (log.transition, log.source, log.target) for log in TransitionLog.objects.for_object(item)
    ]


def item_in(world: World, state: str, **fields: object) -> AgendaItem:
    """Return an item brought to `state` the way people would do it."""
    item = world.item(**fields)
    if state == "draft":
        return item
    fire(item, "submit", actor=world.author)
    if state == "submitted":
        return item
    fire(item, "start_preparation", actor=world.group_chair)
    if state == "in_preparation":
        return item
    fire(item, "endorse", actor=world.group_chair)
    if state == "prepared":
        return item
    world.meeting_in_session(item)
    if state == "scheduled":
        return item
    fire(item, "approve", actor=world.cluster_chair, text="Goedgekeurd.", consensus=True)
    if state == "approved":
        return item
    Action.objects.create(
        item=item, title="Uitvoeren", assignee=world.dvv, due_date=dt.date.today()
    )
    fire(item, "start_execution", actor=world.coordinator)
    assert state == "in_execution"
    return item


# (transition, source state, who may fire it, parameters that let it pass)
MATRIX = [
    ("submit", "draft", {"author", "group_member", "group_chair"}, {}),
    ("start_preparation", "submitted", {"group_chair", "coordinator"}, {}),
    ("send_back", "in_preparation", {"group_chair", "coordinator"}, {}),
    ("endorse", "in_preparation", {"group_chair", "coordinator"}, {}),
    ("schedule", "prepared", {"cluster_chair", "coordinator"}, None),
    ("postpone", "scheduled", {"cluster_chair"}, {}),
    ("return_for_rework", "scheduled", {"cluster_chair"}, {}),
    ("approve", "scheduled", {"cluster_chair"}, {"text": "Ja.", "consensus": True}),
    ("reject", "scheduled", {"cluster_chair"}, {"text": "Nee.", "consensus": True}),
    ("start_execution", "approved", {"coordinator"}, None),
    ("complete", "in_execution", {"coordinator"}, None),
    ("withdraw", "submitted", {"author", "coordinator"}, {}),
]


@pytest.mark.parametrize(("name", "source", "allowed", "params"), MATRIX)
def test_each_transition_is_offered_to_exactly_the_right_people(
    world: World, name: str, source: str, allowed: set[str], params: dict | None
) -> None:
    item = item_in(world, source)
    for persona in PERSONAS:
        offered = name in available_transitions(item, getattr(world, persona))
        assert offered == (persona in allowed), (name, persona)


@pytest.mark.parametrize(("name", "source", "allowed", "params"), MATRIX)
def test_a_wrong_actor_is_not_permitted_and_nothing_changes(
    world: World, name: str, source: str, allowed: set[str], params: dict | None
) -> None:
    item = item_in(world, source)
    logs = TransitionLog.objects.count()
    for persona in sorted(set(PERSONAS) - allowed):
        with pytest.raises(NotPermitted):
            fire(item, name, actor=getattr(world, persona), **(params or {}))
        item.refresh_from_db()
        assert item.state == source
    assert TransitionLog.objects.count() == logs


@pytest.mark.parametrize(("name", "source", "allowed", "params"), MATRIX)
def test_the_right_actor_moves_the_item_and_the_history_says_so(
    world: World, name: str, source: str, allowed: set[str], params: dict | None
) -> None:
    item = item_in(world, source)
    if name == "schedule":
        params = {"meeting": world.meeting().pk}
    if name == "start_execution":
        Action.objects.create(
            item=item, title="Doen", service=world.service, due_date=dt.date.today()
        )
    if name == "complete":
        for action in item.actions.all():
            fire(action, "cancel", actor=world.coordinator)
    actor = getattr(world, sorted(allowed)[0])
    before = TransitionLog.objects.count()
    fire(item, name, actor=actor, comment="  met commentaar ", **(params or {}))
    item.refresh_from_db()
    log = TransitionLog.objects.for_object(item).last()
    assert TransitionLog.objects.count() == before + 1
    assert (log.transition, log.source, log.target) == (name, source, item.state)
    assert log.actor == actor
    assert log.comment == "met commentaar"
    assert item.state != source or name in {"postpone"}


def test_a_transition_from_a_wrong_state_is_not_possible_even_for_the_unpermitted(
    world: World,
) -> None:
    item = item_in(world, "draft")
    for persona in ("cluster_chair", "dvv", "author"):
        with pytest.raises(NotPossible):
            fire(item, "approve", actor=getattr(world, persona), text="x", consensus=True)
    assert not TransitionLog.objects.for_object(item).exists()


def test_an_unknown_or_internal_transition_is_not_found(world: World) -> None:
    item = item_in(world, "scheduled")
    with pytest.raises(UnknownTransition):
        fire(item, "explode", actor=world.coordinator)
    with pytest.raises(UnknownTransition):
        fire(item, "unschedule", actor=world.coordinator)


def test_someone_of_another_region_does_not_see_the_item(world: World) -> None:
    item = item_in(world, "draft")
    with pytest.raises(NotVisible):
        fire(item, "submit", actor=world.stranger)
    assert available_transitions(item, world.stranger) == []


def test_a_confidential_item_is_hidden_from_people_outside_its_bodies(world: World) -> None:
    item = item_in(world, "draft", confidential=True)
    with pytest.raises(NotVisible):
        fire(item, "withdraw", actor=world.dvv)
    with pytest.raises(NotVisible):
        fire(item, "withdraw", actor=world.director)
    # the coordinator and members of its bodies see it
    assert "withdraw" in available_transitions(item, world.coordinator)
    assert "submit" in available_transitions(item, world.group_member)


def test_submit_needs_title_rationale_and_target_cluster(world: World) -> None:
    item = item_in(world, "draft", title=" ", rationale="", target_cluster=None)
    with pytest.raises(GuardFailed) as refused:
        fire(item, "submit", actor=world.author)
    assert refused.value.reasons == [
        _("The item needs a title."),
        _("The item needs a rationale."),
        _("The item needs a target cluster."),
    ]
    item.refresh_from_db()
    assert item.state == "draft"
    assert not TransitionLog.objects.for_object(item).exists()


def test_endorse_needs_a_proposed_decision(world: World) -> None:
    item = item_in(world, "in_preparation", proposed_decision="")
    with pytest.raises(GuardFailed) as refused:
        fire(item, "endorse", actor=world.group_chair)
    assert refused.value.reasons == [_("The item needs a proposed decision text.")]


def test_schedule_needs_a_meeting_of_the_target_cluster(world: World) -> None:
    item = item_in(world, "prepared")
    with pytest.raises(GuardFailed) as refused:
        fire(item, "schedule", actor=world.coordinator)
    assert refused.value.reasons == [_("Choose the meeting to schedule the item on.")]
    with pytest.raises(GuardFailed) as refused:
        fire(item, "schedule", actor=world.coordinator, meeting=999999)
    assert refused.value.reasons == [_("That meeting does not exist.")]
    welzijn = world.meeting(body=world.other_cluster)
    with pytest.raises(GuardFailed) as refused:
        fire(item, "schedule", actor=world.coordinator, meeting=welzijn.pk)
    assert refused.value.reasons == [
        _("The meeting is not a meeting of the item's target cluster.")
    ]
    with pytest.raises(GuardFailed) as refused:
        fire(item, "schedule", actor=world.coordinator, meeting=world.meeting().pk, colour="red")
    assert refused.value.reasons == [_("Unknown parameter: %(name)s.") % {"name": "colour"}]


def test_schedule_places_the_item_at_the_end_of_the_agenda(world: World) -> None:
    meeting = world.meeting()
    first, second = item_in(world, "prepared"), item_in(world, "prepared", confidential=True)
    fire(first, "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(second, "schedule", actor=world.cluster_chair, meeting=meeting.pk)
    entries = list(meeting.entries.values_list("item", "position", "session", "urgent"))
    assert entries == [(first.pk, 1, "public", False), (second.pk, 2, "closed", False)]
    assert TransitionLog.objects.for_object(first).last().params == {
        "meeting": meeting.pk,
        "urgent": False,
        "reason": "",
    }


def test_after_the_deadline_only_a_cluster_chair_adds_an_item_not_urgent(world: World) -> None:
    # The invitation has not gone out yet: a late item is not urgent (see urgency tests).
    meeting = world.meeting()
    meeting.submission_deadline = timezone.now() - dt.timedelta(hours=1)
    meeting.save()
    item = item_in(world, "prepared")
    with pytest.raises(GuardFailed) as refused:
        fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    assert refused.value.reasons == [_("The submission deadline of this meeting has passed.")]
    fire(item, "schedule", actor=world.cluster_chair, meeting=meeting.pk)
    assert not meeting.entries.get().urgent


def test_a_convened_meeting_takes_urgent_items_from_a_chair_only(world: World) -> None:
    meeting = world.meeting()
    fire(item_in(world, "prepared"), "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(meeting, "convene", actor=world.coordinator)
    late = item_in(world, "prepared")
    urgency = {"urgent": True, "reason": "Subsidieaanvraag sluit vrijdag."}
    with pytest.raises(GuardFailed) as refused:
        fire(late, "schedule", actor=world.coordinator, meeting=meeting.pk, **urgency)
    assert refused.value.reasons == [
        _("Only a chair of the cluster can add an item to a convened meeting.")
    ]
    fire(late, "schedule", actor=world.cluster_chair, meeting=meeting.pk, **urgency)
    entry = meeting.entries.get(item=late)
    assert entry.urgent
    assert entry.urgency_reason == "Subsidieaanvraag sluit vrijdag."


def test_deciding_needs_the_meeting_in_session(world: World) -> None:
    item = item_in(world, "prepared")
    meeting = world.meeting()
    fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    for name in ("approve", "reject"):
        with pytest.raises(GuardFailed) as refused:
            fire(item, name, actor=world.cluster_chair, text="Ja.", consensus=True)
        assert _("The meeting of this item is not in session.") in refused.value.reasons
    for name in ("postpone", "return_for_rework"):
        with pytest.raises(GuardFailed) as refused:
            fire(item, name, actor=world.cluster_chair)
        assert refused.value.reasons == [_("The meeting of this item is not in session.")]


def test_deciding_needs_the_quorum_present(world: World) -> None:
    item = item_in(world, "scheduled")
    meeting = item.current_entry().meeting
    for person in (world.cluster_chair, world.cluster_member):
        attendance_record(meeting=meeting, person=person, status="excused", actor=world.coordinator)
    with pytest.raises(GuardFailed) as refused:
        fire(item, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    assert refused.value.reasons == [
        _("The quorum is not present (%(present)d of %(required)d municipalities).")
        % {"present": 0, "required": 2}
    ]


def test_approve_records_the_decision_votes_and_a_ratification_per_municipality(
    world: World,
) -> None:
    item = item_in(world, "scheduled", municipalities=world.municipalities)
    roeselare, tielt, _izegem = world.municipalities
    fire(
        item,
        "approve",
        actor=world.cluster_chair,
        text="De cluster keurt het tracé goed.",
        votes=[
            {"municipality": roeselare.pk, "vote": "for"},
            {"municipality": tielt.pk, "vote": "abstain"},
        ],
    )
    decision = Decision.objects.get(item=item)
    year = timezone.localdate().year
    assert decision.number == f"{year}/CL-RUIMTE/001"
    assert decision.outcome == "approved"
    assert not decision.consensus
    assert dict(decision.votes.values_list("municipality", "vote")) == {
        roeselare.pk: "for",
        tielt.pk: "abstain",
    }
    assert set(decision.municipalities.all()) == set(world.municipalities)
    assert sorted(
        Ratification.objects.filter(decision=decision).values_list("municipality", "state")
    ) == sorted((m.pk, "pending") for m in world.municipalities)
    assert item.entries.get().outcome == AgendaEntry.Outcome.APPROVED


def test_decision_numbers_follow_each_other_per_body_and_year(world: World) -> None:
    first, second = item_in(world, "prepared"), item_in(world, "prepared")
    world.meeting_in_session(first, second)
    first.refresh_from_db()
    second.refresh_from_db()
    fire(first, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    fire(second, "reject", actor=world.cluster_chair, text="Nee.", consensus=True)
    year = timezone.localdate().year
    assert list(Decision.objects.order_by("number").values_list("number", "outcome")) == [
        (f"{year}/CL-RUIMTE/001", "approved"),
        (f"{year}/CL-RUIMTE/002", "rejected"),
    ]
    assert not Ratification.objects.filter(decision__outcome="rejected").exists()


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"consensus": True}, "Give the decision text."),
        ({"text": "Ja."}, "Give either consensus: true or the votes, not both and not neither."),
        (
            {"text": "Ja.", "consensus": True, "votes": []},
            "Give either consensus: true or the votes, not both and not neither.",
        ),
        ({"text": "Ja.", "votes": "all for"}, "The votes must be a list."),
        (
            {"text": "Ja.", "votes": [{"municipality": "x", "vote": "for"}]},
            "Each vote needs a municipality id.",
        ),
        (
            {"text": "Ja.", "votes": [{"municipality": 999_999, "vote": "maybe"}]},
            "A vote is for, against or abstain.",
        ),
        ({"text": 42, "consensus": True}, "A text was expected."),
    ],
)
def test_approve_refuses_wrong_decision_parameters(world: World, params: dict, reason: str) -> None:
    item = item_in(world, "scheduled")
    with pytest.raises(GuardFailed) as refused:
        fire(item, "approve", actor=world.cluster_chair, **params)
    assert _(reason) in refused.value.reasons
    assert not Decision.objects.exists()


def test_a_wrong_vote_of_a_municipality_present_names_it_beside_its_field(world: World) -> None:
    item = item_in(world, "scheduled")
    roeselare, tielt = world.municipalities[:2]
    votes = [
        {"municipality": roeselare.pk, "vote": "for"},
        {"municipality": tielt.pk, "vote": ""},
    ]
    with pytest.raises(GuardFailed) as refused:
        fire(item, "approve", actor=world.cluster_chair, text="Ja.", votes=votes)
    [reason] = refused.value.reasons
    assert reason == _("%(municipality)s: choose for, against or abstain.") % {
        "municipality": "Tielt"
    }
    assert reason.field == f"vote_{tielt.pk}"
    assert not Decision.objects.exists()


def test_votes_must_match_the_municipalities_present(world: World) -> None:
    item = item_in(world, "scheduled")
    roeselare, _tielt, izegem = world.municipalities
    wrong = [
        {"municipality": roeselare.pk, "vote": "for"},
        {"municipality": izegem.pk, "vote": "for"},
    ]
    with pytest.raises(GuardFailed) as refused:
        fire(item, "approve", actor=world.cluster_chair, text="Ja.", votes=wrong)
    assert refused.value.reasons == [
        _("Give one vote for each municipality present, and only for those.")
    ]


def test_information_items_are_noted_not_decided(world: World) -> None:
    info = item_in(world, "scheduled", kind="information")
    with pytest.raises(GuardFailed) as refused:
        fire(info, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    assert refused.value.reasons == [_("An information item is noted, not decided.")]
    fire(info, "take_note", actor=world.cluster_chair)
    assert info.state == "completed"
    assert info.entries.get().outcome == "noted"
    decision_item = item_in(world, "scheduled")
    with pytest.raises(GuardFailed) as refused:
        fire(decision_item, "take_note", actor=world.cluster_chair)
    assert refused.value.reasons == [
        _("Only an information item can be noted; decide on this one.")
    ]


def test_postpone_and_return_close_the_agenda_entry(world: World) -> None:
    postponed, returned = item_in(world, "prepared"), item_in(world, "prepared")
    world.meeting_in_session(postponed, returned)
    postponed.refresh_from_db()
    returned.refresh_from_db()
    fire(postponed, "postpone", actor=world.cluster_chair)
    fire(returned, "return_for_rework", actor=world.cluster_chair)
    assert (postponed.state, postponed.entries.get().outcome) == ("prepared", "postponed")
    assert (returned.state, returned.entries.get().outcome) == ("in_preparation", "returned")
    assert postponed.current_entry() is None


def test_execution_needs_an_action_and_completion_needs_them_finished(world: World) -> None:
    item = item_in(world, "approved")
    with pytest.raises(GuardFailed) as refused:
        fire(item, "start_execution", actor=world.coordinator)
    assert refused.value.reasons == [_("Add at least one action first.")]
    action = Action.objects.create(
        item=item, title="GIS-laag", service=world.service, due_date=dt.date.today()
    )
    fire(item, "start_execution", actor=world.coordinator)
    with pytest.raises(GuardFailed) as refused:
        fire(item, "complete", actor=world.coordinator)
    assert refused.value.reasons == [_("Every action must be done or cancelled first.")]
    fire(action, "cancel", actor=world.coordinator)
    fire(item, "complete", actor=world.coordinator)
    assert item.state == "completed"


def test_withdraw_is_refused_while_the_meeting_is_in_session(world: World) -> None:
    item = item_in(world, "scheduled")
    with pytest.raises(GuardFailed) as refused:
        fire(item, "withdraw", actor=world.author)
    assert refused.value.reasons == [
        _("An item cannot be withdrawn while its meeting is in session.")
    ]


def test_withdrawing_a_scheduled_item_takes_it_off_the_agenda(world: World) -> None:
    item = item_in(world, "prepared")
    meeting = world.meeting()
    fire(item, "schedule", actor=world.coordinator, meeting=meeting.pk)
    fire(item, "withdraw", actor=world.author)
    assert item.state == "withdrawn"
    assert not meeting.pending_entries().exists()


def test_the_whole_path_is_in_the_history_oldest_first(world: World) -> None:
    item = item_in(world, "in_execution")
    assert history(item) == [
        ("submit", "draft", "submitted"),
        ("start_preparation", "submitted", "in_preparation"),
        ("endorse", "in_preparation", "prepared"),
        ("schedule", "prepared", "scheduled"),
        ("approve", "scheduled", "approved"),
        ("start_execution", "approved", "in_execution"),
    ]


def test_decision_numbers_are_unique_per_body_not_across_regions(world: World) -> None:
    from django.db import IntegrityError, transaction

    from backend.organisations.models import Body, Region

    item = item_in(world, "scheduled")
    fire(item, "approve", actor=world.cluster_chair, text="Ja.", consensus=True)
    decision = Decision.objects.get()
    twin = Body.objects.create(
        region=Region.objects.get(slug="westhoek"), kind="cluster", name="Ruimte", code="CL-RUIMTE"
    )

    def record(body: Body) -> Decision:
        return Decision.objects.create(
            item=world.item(),
            meeting=decision.meeting,
            body=body,
            number=decision.number,
            text="Elders.",
            outcome="approved",
            recorded_by=world.stranger,
        )

    assert record(twin).number == decision.number
    with pytest.raises(IntegrityError), transaction.atomic():
        record(world.cluster)


def test_a_nul_character_in_a_decision_text_or_comment_is_refused(world: World) -> None:
    item = item_in(world, "scheduled")
    with pytest.raises(GuardFailed) as refused:
        fire(item, "approve", actor=world.cluster_chair, text="Ja\x00", consensus=True)
    assert refused.value.reasons == [unstorable_reason("text", 2)]
    with pytest.raises(GuardFailed) as refused:
        fire(item, "postpone", actor=world.cluster_chair, comment="later\x00")
    assert refused.value.reasons == [unstorable_reason("comment", 5)]
    assert not Decision.objects.exists()
