"""A benchmark region built in bulk: what the HTTP and scale benchmarks read and write.

BENCHMARK FIXTURE ONLY: rows are written with bulk_create and states with a queryset
update, not through the workflow, because building thousands of items step by step would
take longer than the benchmarks themselves. Never do this in product code.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

MUNICIPALITIES = 16
CLUSTERS = 4
DECISIONS = 500
OPEN_PER_STATE = 300
ACTIONS = 300
PAST_MEETINGS_PER_CLUSTER = 40
SINCE = dt.date(2020, 1, 1)

# The steps an item took to reach each state (name, source, target), for its history.
STEPS = [
    ("submit", "draft", "submitted"),
    ("start_preparation", "submitted", "in_preparation"),
    ("endorse", "in_preparation", "prepared"),
    ("schedule", "prepared", "scheduled"),
    ("approve", "scheduled", "approved"),
    ("start_execution", "approved", "in_execution"),
    ("complete", "in_execution", "completed"),
]
DEPTH = {
    "draft": 0,
    "submitted": 1,
    "in_preparation": 2,
    "prepared": 3,
    "scheduled": 4,
    "approved": 5,
    "in_execution": 6,
    "completed": 7,
}
OPEN_STATES = ["draft", "submitted", "in_preparation", "prepared", "scheduled"]


@dataclass
class Region:
    """What a benchmark needs to know about the region it built."""

    region_id: int
    coordinator_id: int
    author_id: int
    municipality_ids: list[int]
    size: dict[str, Any] = field(default_factory=dict)


def chunks(values: list[int], size: int = 900) -> list[list[int]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def set_state(model: type, pks: list[int], state: str) -> None:
    """Put rows in a state without the workflow (a benchmark fixture only)."""
    for part in chunks(pks):
        model._default_manager.filter(pk__in=part).update(state=state)  # type: ignore[attr-defined]


def build_region(now: dt.datetime, rng: random.Random, *, slug: str = "midwest") -> Region:
    """Build one region: 16 municipalities, 4 clusters each with its intervision group,
    their meetings, 500 decided items with a ratification per municipality (the matrix is
    500 × 16), 300 open items in every state before a decision, 300 unfinished actions,
    and the history of every item."""
    from django.contrib.contenttypes.models import ContentType

    from backend.agenda.models import AgendaItem, Decision
    from backend.audit.models import TransitionLog
    from backend.followup.models import Action, Ratification
    from backend.meetings.models import AgendaEntry, Meeting
    from backend.organisations.models import Body, Membership, Municipality, Person, Service
    from backend.organisations.models import Region as RegionModel

    region = RegionModel.objects.create(name=slug.capitalize(), slug=slug)
    municipalities = Municipality.objects.bulk_create(
        Municipality(region=region, name=f"Gemeente {i:02d}", slug=f"{slug}-{i:02d}")
        for i in range(MUNICIPALITIES)
    )
    services = Service.objects.bulk_create(
        Service(region=region, name=f"Dienst {code}", code=code)
        for code in ("gis", "ict", "archief", "toezicht")
    )

    def person(username: str, **fields: Any) -> Person:
        return Person(
            username=f"{slug}-{username}",
            password="!",  # unusable: the benchmarks use tokens and ready-made sessions
            first_name=username,
            last_name=username,
            email=f"{slug}-{username}@example.invalid",
            region=region,
            **fields,
        )

    people = [
        person(f"mayor-{i:02d}", municipality=m, function=Person.Function.MAYOR)
        for i, m in enumerate(municipalities)
    ]
    people += [
        person(f"director-{i:02d}", municipality=m, function=Person.Function.GENERAL_DIRECTOR)
        for i, m in enumerate(municipalities)
    ]
    people.append(person("coordinator", is_coordinator=True, function=Person.Function.COORDINATOR))
    people += [
        person(f"dvv-{i:02d}", service=services[i % len(services)], function="dvv_staff")
        for i in range(8)
    ]
    people = Person.objects.bulk_create(people)
    mayors, directors, coordinator = people[:16], people[16:32], people[32]

    clusters, groups = [], []
    for c in range(CLUSTERS):
        cluster = Body.objects.create(
            region=region, kind=Body.Kind.CLUSTER, name=f"Cluster {c}", code=f"CL-{c}"
        )
        group = Body.objects.create(
            region=region,
            kind=Body.Kind.INTERVISION_GROUP,
            name=f"Intervisiegroep {c}",
            code=f"IG-{c}",
            prepares_for=cluster,
        )
        clusters.append(cluster)
        groups.append(group)
    memberships = []
    for i, mayor in enumerate(mayors):
        memberships.append(
            Membership(
                body=clusters[i % CLUSTERS],
                person=mayor,
                municipality=mayor.municipality,
                role="chair" if i < CLUSTERS else "member",
                start_date=SINCE,
            )
        )
    for i, director in enumerate(directors):
        memberships.append(
            Membership(
                body=groups[i % CLUSTERS],
                person=director,
                municipality=director.municipality,
                role="chair" if i < CLUSTERS else "member",
                start_date=SINCE,
            )
        )
        if i < CLUSTERS:  # the group's chair also sits in its cluster
            memberships.append(
                Membership(
                    body=clusters[i],
                    person=director,
                    municipality=director.municipality,
                    start_date=SINCE,
                )
            )
    Membership.objects.bulk_create(memberships)

    # Meetings: per cluster, 40 in the past two years (minutes approved), one convened
    # next week and one planned next month.
    meetings, meeting_states = [], []
    for cluster in clusters:
        for k in range(PAST_MEETINGS_PER_CLUSTER):
            starts_at = now - dt.timedelta(days=730 * (k + 1) / (PAST_MEETINGS_PER_CLUSTER + 1))
            meetings.append(
                Meeting(
                    body=cluster,
                    starts_at=starts_at.replace(second=0, microsecond=0),
                    submission_deadline=starts_at - dt.timedelta(days=10),
                    location="Stadhuis",
                )
            )
            meeting_states.append("minutes_approved")
        for days, state in ((7, "convened"), (35, "planned")):
            starts_at = (now + dt.timedelta(days=days)).replace(second=0, microsecond=0)
            meetings.append(
                Meeting(
                    body=cluster,
                    starts_at=starts_at,
                    submission_deadline=starts_at - dt.timedelta(days=10),
                    location="Stadhuis",
                )
            )
            meeting_states.append(state)
    meetings = Meeting.objects.bulk_create(meetings)
    for state in ("minutes_approved", "convened"):
        set_state(
            Meeting,
            [m.pk for m, s in zip(meetings, meeting_states, strict=True) if s == state],
            state,
        )
    past = {
        c.pk: [m for m in meetings if m.body_id == c.pk and m.starts_at < now] for c in clusters
    }
    convened = {
        m.body_id: m for m, s in zip(meetings, meeting_states, strict=True) if s == "convened"
    }

    # Items: the decided ones (approved, in execution or completed), then the open ones.
    decided_states = ["approved"] * 3 + ["in_execution"] * 1 + ["completed"] * 1
    wanted = [decided_states[i % len(decided_states)] for i in range(DECISIONS)]
    wanted += [state for state in OPEN_STATES for _ in range(OPEN_PER_STATE)]
    rng.shuffle(wanted)
    items = []
    for i, _state in enumerate(wanted):
        c = i % CLUSTERS
        items.append(
            AgendaItem(
                title=f"Voorstel {i:05d} over de fietsroutes",
                rationale="Toelichting bij het voorstel. " * 5,
                proposed_decision="De cluster keurt het voorstel goed.",
                author=directors[c + CLUSTERS * (i % 4)],
                intervision_group=groups[c],
                target_cluster=clusters[c],
                confidential=i % 20 == 0,
                created_at=now - dt.timedelta(minutes=rng.randint(60 * 24 * 30, 60 * 24 * 730)),
            )
        )
    items = AgendaItem.objects.bulk_create(items, batch_size=1000)
    Through = AgendaItem.municipalities.through
    Through.objects.bulk_create(
        (
            Through(agendaitem_id=item.pk, municipality_id=m.pk)
            for item in items
            for m in rng.sample(municipalities, 3)
        ),
        batch_size=2000,
    )
    by_state: dict[str, list[int]] = {}
    for item, state in zip(items, wanted, strict=True):
        by_state.setdefault(state, []).append(item.pk)
    for state, pks in by_state.items():
        if state != "draft":
            set_state(AgendaItem, pks, state)

    # Scheduled items wait on the convened meeting of their cluster.
    positions: dict[int, int] = {}
    entries = []
    for item, state in zip(items, wanted, strict=True):
        if state == "scheduled":
            meeting = convened[item.target_cluster_id]
            positions[meeting.pk] = positions.get(meeting.pk, 0) + 1
            entries.append(AgendaEntry(meeting=meeting, item=item, position=positions[meeting.pk]))

    # Decisions on a past meeting of the cluster, a ratification for every municipality.
    decided = [
        (item, state) for item, state in zip(items, wanted, strict=True) if DEPTH[state] >= 5
    ]
    decisions = []
    for n, (item, _state) in enumerate(decided):
        meeting = rng.choice(past[item.target_cluster_id])
        positions[meeting.pk] = positions.get(meeting.pk, 0) + 1
        entries.append(
            AgendaEntry(
                meeting=meeting, item=item, position=positions[meeting.pk], outcome="approved"
            )
        )
        decisions.append(
            Decision(
                item=item,
                meeting=meeting,
                body_id=item.target_cluster_id,
                number=f"{meeting.starts_at:%Y}/CL/{n:04d}",
                outcome="approved",
                text="De cluster keurt het voorstel goed.",
                consensus=True,
                decided_at=meeting.starts_at + dt.timedelta(hours=2),
                recorded_by=coordinator,
            )
        )
    AgendaEntry.objects.bulk_create(entries, batch_size=1000)
    decisions = Decision.objects.bulk_create(decisions, batch_size=1000)
    DecisionMunicipality = Decision.municipalities.through
    DecisionMunicipality.objects.bulk_create(
        (
            DecisionMunicipality(decision_id=d.pk, municipality_id=m.pk)
            for d in decisions
            for m in municipalities
        ),
        batch_size=2000,
    )
    ratifications = Ratification.objects.bulk_create(
        (Ratification(decision=d, municipality=m) for d in decisions for m in municipalities),
        batch_size=2000,
    )
    ratification_states: dict[str, list[int]] = {}
    for r in ratifications:
        roll = rng.random()
        state = (
            "ratified"
            if roll < 0.6
            else "pending"
            if roll < 0.9
            else "declined"
            if roll < 0.95
            else "not_required"
        )
        ratification_states.setdefault(state, []).append(r.pk)
    for state, pks in ratification_states.items():
        if state != "pending":
            set_state(Ratification, pks, state)

    # Unfinished actions on the approved items and those in execution.
    executing = [item for item, state in decided if state in ("approved", "in_execution")]
    today = now.date()
    actions = Action.objects.bulk_create(
        Action(
            item=executing[i % len(executing)],
            title=f"Actie {i:04d}",
            assignee=rng.choice(directors) if i % 5 else None,
            service=None if i % 5 else rng.choice(services),
            due_date=today + dt.timedelta(days=rng.randint(-60, 60)),
        )
        for i in range(ACTIONS)
    )
    set_state(Action, [a.pk for a in actions[: ACTIONS // 4]], "in_progress")

    # The history: one row per step each item took, three days apart.
    item_type = ContentType.objects.get_for_model(AgendaItem)
    logs = [
        TransitionLog(
            content_type=item_type,
            object_id=str(item.pk),
            transition=name,
            source=source,
            target=target,
            actor=item.author if k < 3 else coordinator,
            at=item.created_at + dt.timedelta(days=3 * (k + 1)),
        )
        for item, state in zip(items, wanted, strict=True)
        for k, (name, source, target) in enumerate(STEPS[: DEPTH[state]])
    ]
    TransitionLog.objects.bulk_create(logs, batch_size=2000)

    return Region(
        region_id=region.pk,
        coordinator_id=coordinator.pk,
        author_id=directors[0].pk,
        municipality_ids=[m.pk for m in municipalities],
        size={
            "municipalities": len(municipalities),
            "people": len(people),
            "items": len(items),
            "items_by_state": {s: len(p) for s, p in sorted(by_state.items())},
            "meetings": len(meetings),
            "decisions": len(decisions),
            "ratifications": len(ratifications),
            "actions": len(actions),
            "history_rows": len(logs),
        },
    )


def build_draft_pool(n: int, now: dt.datetime) -> tuple[int, list[int]]:
    """Build a second region whose author holds n draft items, each ready to be submitted
    once: the transition benchmarks fire `submit` on a different item every request.
    Return the author's id and the items' ids, in creation order."""
    from backend.agenda.models import AgendaItem
    from backend.organisations.models import Body, Membership, Municipality, Person
    from backend.organisations.models import Region as RegionModel

    region = RegionModel.objects.create(name="Westhoek", slug="westhoek")
    municipality = Municipality.objects.create(region=region, name="Poperinge", slug="poperinge")
    cluster = Body.objects.create(region=region, kind=Body.Kind.CLUSTER, name="Cluster", code="CL")
    group = Body.objects.create(
        region=region,
        kind=Body.Kind.INTERVISION_GROUP,
        name="Intervisiegroep",
        code="IG",
        prepares_for=cluster,
    )
    author = Person.objects.create(
        username="westhoek-director",
        password="!",
        region=region,
        municipality=municipality,
        function=Person.Function.GENERAL_DIRECTOR,
    )
    Membership.objects.create(
        body=group, person=author, municipality=municipality, role="member", start_date=SINCE
    )
    items = AgendaItem.objects.bulk_create(
        (
            AgendaItem(
                title=f"Ontwerp {i:06d}",
                rationale="Toelichting.",
                author=author,
                intervision_group=group,
                target_cluster=cluster,
                created_at=now,
            )
            for i in range(n)
        ),
        batch_size=5000,
    )
    return author.pk, [item.pk for item in items]
