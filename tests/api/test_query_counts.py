"""A list under /api/v1/ costs the same number of queries for 5 rows as for 50.

Every list endpoint is read by several callers (visibility and the transitions on offer
differ between them, confidential items above all) with 5 objects and again with 50;
the number of queries must not change. The objects are in states in which transitions
are on offer, because `available_transitions` is computed per row. States are reached
with `fire`, everything else is created directly.

The measured counts are printed by the last test of the module (also without `-s`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from backend.agenda.models import AgendaItem
from backend.followup.models import Action
from backend.meetings.models import Meeting
from backend.meetings.services import attendance_record
from backend.organisations.models import (
    Body,
    Coalition,
    Membership,
    Municipality,
    Person,
    Region,
    Service,
)
from tests.conftest import World
from workflows.engine import fire

SIZES = (5, 50)
CALLERS = ("coordinator", "cluster_chair", "group_member")
"""Read every list; a few lists are read by one more caller (see CASES)."""
ADMINISTRATOR = "administrator"

EVERYONE = frozenset({*CALLERS, ADMINISTRATOR, "director", "dvv"})
NOBODY: frozenset[str] = frozenset()
ONLY_ADMINISTRATOR = frozenset({ADMINISTRATOR})
PAST_THE_GROUP = frozenset({*CALLERS, ADMINISTRATOR})
"""Confidential, of the group, and seen by the cluster (endorsed for it or on its agenda)."""
IN_THE_GROUP = frozenset({"coordinator", "group_member", ADMINISTRATOR})
"""Confidential and never in the cluster chair's cluster."""
COORDINATOR_ONLY = frozenset({"coordinator", ADMINISTRATOR})
"""Confidential, of another group and for another cluster."""

START = dt.date(2024, 1, 1)


# --- Building objects --------------------------------------------------------------------


class Shop:
    """Builds objects in the world of the test, cheaply, in the states asked for."""

    def __init__(self, world: World) -> None:
        self.w = world
        self._numbers = itertools.count(1)
        self.turns = itertools.count()

    def n(self) -> int:
        return next(self._numbers)

    @cached_property
    def westhoek(self) -> Region:
        """The other region (the stranger's): nothing of it may show."""
        assert self.w.stranger.region is not None
        return self.w.stranger.region

    @cached_property
    def westhoek_cluster(self) -> Body:
        return Body.objects.create(
            region=self.westhoek, kind=Body.Kind.CLUSTER, name="Westhoek", code="CL-WH"
        )

    @cached_property
    def welzijn_group(self) -> Body:
        """A second intervision group, of which none of the callers is a member."""
        return Body.objects.create(
            region=self.w.region,
            kind=Body.Kind.INTERVISION_GROUP,
            name="Intervisiegroep welzijn",
            code="IG-WELZIJN",
            prepares_for=self.w.other_cluster,
        )

    @cached_property
    def welzijn_chair(self) -> Person:
        """A chair of the other cluster (the world has none) to decide its items."""
        izegem = self.w.municipalities[2]
        chair = Person.objects.create(
            username="welzijnchair", region=self.w.region, municipality=izegem, function="mayor"
        )
        Membership.objects.create(
            body=self.w.other_cluster,
            person=chair,
            role=Membership.Role.CHAIR,
            municipality=izegem,
            start_date=START,
        )
        return chair

    # Agenda items ---------------------------------------------------------------------

    def item(
        self,
        *,
        confidential: bool = False,
        welzijn: bool = False,
        municipalities: list[Municipality] | None = None,
        **more: Any,
    ) -> AgendaItem:
        """A complete draft; `welzijn`: of the second group, for the other cluster."""
        fields: dict[str, Any] = {"title": f"Voorstel {self.n()}", "confidential": confidential}
        fields.update(more)
        if welzijn:
            fields["intervision_group"] = self.welzijn_group
            fields["target_cluster"] = self.w.other_cluster
        if municipalities is not None:
            fields["municipalities"] = municipalities
        return self.w.item(**fields)

    def advance(self, item: AgendaItem, to: str) -> AgendaItem:
        """Fire the item from draft up to `to` (submitted, in_preparation or prepared)."""
        road = [
            ("submit", self.w.author, "submitted"),
            ("start_preparation", self.w.coordinator, "in_preparation"),
            ("endorse", self.w.coordinator, "prepared"),
        ]
        for name, actor, reached in road:
            if item.state == to:
                break
            fire(item, name, actor=actor)
            assert item.state == reached
        assert item.state == to
        return item

    def prepared(self, **fields: Any) -> AgendaItem:
        return self.advance(self.item(**fields), "prepared")

    def chair_of(self, body: Body) -> Person:
        if body == self.w.cluster:
            return self.w.cluster_chair
        assert body == self.w.other_cluster
        return self.welzijn_chair

    def session(self, body: Body, items: list[AgendaItem]) -> Meeting:
        """A meeting of the cluster `body` with the prepared items on it, in session."""
        meeting = self.w.meeting(body=body)
        for item in items:
            fire(item, "schedule", actor=self.w.coordinator, meeting=meeting.pk)
        fire(meeting, "convene", actor=self.w.coordinator)
        if body == self.w.cluster:
            present = [self.w.cluster_chair, self.w.cluster_member]
        else:
            present = [self.chair_of(body)]
        for person in present:
            attendance_record(
                meeting=meeting, person=person, status="present", actor=self.w.coordinator
            )
        fire(meeting, "open", actor=self.w.coordinator)
        for item in items:
            item.refresh_from_db()
        return meeting

    def decide(self, item: AgendaItem, name: str = "approve") -> AgendaItem:
        assert item.target_cluster is not None
        fire(
            item,
            name,
            actor=self.chair_of(item.target_cluster),
            text=f"Besluit over {item.title}.",
            consensus=True,
        )
        assert item.state == ("approved" if name == "approve" else "rejected")
        return item

    def decided(self, specs: list[dict[str, Any]]) -> list[AgendaItem]:
        """Items decided in one session per cluster. A spec holds the `item` fields and
        `outcome` (approve or reject)."""
        items = [self.prepared(**{k: v for k, v in s.items() if k != "outcome"}) for s in specs]
        for body in (self.w.cluster, self.w.other_cluster):
            mine = [i for i in items if i.target_cluster_id == body.pk]
            if mine:
                self.session(body, mine)
        for item, spec in zip(items, specs, strict=True):
            self.decide(item, spec.get("outcome", "approve"))
        return items


Visibility = list[frozenset[str]]
Builder = Callable[[Shop, int, int], Visibility]
"""build(shop, start, stop) creates objects number start..stop-1 and returns, per
object, the callers who may see it."""


def build_regions(shop: Shop, start: int, stop: int) -> Visibility:
    for i in range(start, stop):
        Region.objects.create(name=f"Regio {i}", slug=f"regio-{i}")
    return [ONLY_ADMINISTRATOR] * (stop - start)


def build_municipalities(shop: Shop, start: int, stop: int) -> Visibility:
    seen = []
    for i in range(start, stop):
        region = shop.westhoek if i % 5 == 4 else shop.w.region
        Municipality.objects.create(region=region, name=f"Gemeente {i}", slug=f"gemeente-{i}")
        seen.append(NOBODY if region == shop.westhoek else EVERYONE)
    return seen


def build_bodies(shop: Shop, start: int, stop: int) -> Visibility:
    w = shop.w
    kinds = [
        (w.region, Body.Kind.CLUSTER, None),
        (w.region, Body.Kind.INTERVISION_GROUP, w.cluster),
        (w.region, Body.Kind.DAILY_BOARD, None),
        (w.region, Body.Kind.INTERVISION_GROUP, w.other_cluster),
        (shop.westhoek, Body.Kind.CLUSTER, None),
    ]
    seen = []
    for i in range(start, stop):
        region, kind, prepares_for = kinds[i % len(kinds)]
        Body.objects.create(
            region=region, kind=kind, name=f"Orgaan {i}", code=f"B-{i}", prepares_for=prepares_for
        )
        seen.append(EVERYONE if region == w.region else NOBODY)
    return seen


def build_memberships(shop: Shop, start: int, stop: int) -> Visibility:
    w = shop.w
    roeselare, _tielt, izegem = w.municipalities
    kinds = [
        (w.cluster, Membership.Role.MEMBER, izegem, None),
        (w.group, Membership.Role.SECRETARY, None, None),
        (w.other_cluster, Membership.Role.CHAIR, roeselare, dt.date(2024, 12, 31)),
        (w.cluster, Membership.Role.SECRETARY, None, None),
        (shop.westhoek_cluster, Membership.Role.MEMBER, None, None),
    ]
    seen = []
    for i in range(start, stop):
        body, role, municipality, end = kinds[i % len(kinds)]
        person = Person.objects.create(
            username=f"lid{i}", first_name="Lid", last_name=f"{i:03d}", region=body.region
        )
        Membership.objects.create(
            body=body,
            person=person,
            role=role,
            municipality=municipality,
            start_date=START,
            end_date=end,
        )
        seen.append(EVERYONE if body.region_id == w.region.pk else NOBODY)
    return seen


def build_services(shop: Shop, start: int, stop: int) -> Visibility:
    seen = []
    for i in range(start, stop):
        foreign = i % 5 == 4
        region = shop.westhoek if foreign else shop.w.region
        service = Service.objects.create(region=region, name=f"Dienst {i}", code=f"dienst-{i}")
        if not foreign:
            service.municipalities.add(*shop.w.municipalities[: 1 + i % 3])
        seen.append(NOBODY if foreign else EVERYONE)
    return seen


def build_coalitions(shop: Shop, start: int, stop: int) -> Visibility:
    seen = []
    for i in range(start, stop):
        foreign = i % 5 == 4
        region = shop.westhoek if foreign else shop.w.region
        coalition = Coalition.objects.create(region=region, name=f"Kopgroep {i}")
        if not foreign:
            coalition.municipalities.set(shop.w.municipalities[: 1 + i % 3])
        seen.append(NOBODY if foreign else EVERYONE)
    return seen


def build_meetings(shop: Shop, start: int, stop: int) -> Visibility:
    w = shop.w
    seen = []
    for i in range(start, stop):
        kind = i % 7
        if kind == 0:  # planned: convene, cancel
            w.meeting(days=10 + i)
        elif kind == 1:  # convened, with its agenda: open, cancel
            meeting = w.meeting(days=10 + i)
            fire(shop.prepared(), "schedule", actor=w.coordinator, meeting=meeting.pk)
            fire(meeting, "convene", actor=w.coordinator)
        elif kind == 2:  # in session: close
            shop.session(w.cluster, [shop.prepared()])
        elif kind == 3:  # closed: approve_minutes (the chair)
            item = shop.prepared()
            meeting = shop.session(w.cluster, [item])
            shop.decide(item)
            fire(meeting, "close", actor=w.coordinator)
        elif kind == 4:  # another region's
            Meeting.objects.create(
                body=shop.westhoek_cluster,
                starts_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
                submission_deadline=dt.datetime(2029, 12, 1, tzinfo=dt.UTC),
            )
        elif kind == 5:  # planned, of the intervision group
            w.meeting(body=w.group, days=10 + i)
        else:  # cancelled
            fire(w.meeting(days=10 + i), "cancel", actor=w.coordinator)
        seen.append(NOBODY if kind == 4 else EVERYONE)
    return seen


def build_agenda_items(shop: Shop, start: int, stop: int) -> Visibility:
    w = shop.w
    seen = []
    on_meeting: list[tuple[int, AgendaItem]] = []
    for i in range(start, stop):
        kind = i % 7
        if kind == 0:  # public draft: submit (group), withdraw (coordinator)
            shop.item()
            seen.append(EVERYONE)
        elif kind == 1:  # confidential, submitted, aimed at the other cluster
            shop.advance(shop.item(confidential=True, target_cluster=w.other_cluster), "submitted")
            seen.append(IN_THE_GROUP)
        elif kind == 2:  # confidential, endorsed for the cluster: schedule, withdraw
            shop.prepared(confidential=True)
            seen.append(PAST_THE_GROUP)
        elif kind in (3, 4, 5):  # on the cluster's meeting: scheduled, approved, returned
            on_meeting.append((kind, shop.prepared(confidential=True)))
            seen.append(PAST_THE_GROUP)
        else:  # confidential draft of the other group, for the other cluster
            shop.item(confidential=True, welzijn=True)
            seen.append(COORDINATOR_ONLY)
    if on_meeting:
        shop.session(w.cluster, [item for _kind, item in on_meeting])
        for kind, item in on_meeting:
            if kind == 4:
                shop.decide(item)  # approved: start_execution
            elif kind == 5:
                # Back in the group, but the cluster chair still sees it: it was on his agenda.
                fire(item, "return_for_rework", actor=w.cluster_chair)
                assert item.state == "in_preparation"
    return seen


DECISION_KINDS: list[tuple[dict[str, Any], frozenset[str]]] = [
    ({"outcome": "approve"}, EVERYONE),
    ({"outcome": "approve", "confidential": True}, PAST_THE_GROUP),
    ({"outcome": "reject", "confidential": True}, PAST_THE_GROUP),
    ({"outcome": "approve", "confidential": True, "welzijn": True}, COORDINATOR_ONLY),
    ({"outcome": "reject", "welzijn": True}, EVERYONE),
]


def build_decisions(shop: Shop, start: int, stop: int) -> Visibility:
    kinds = [DECISION_KINDS[i % len(DECISION_KINDS)] for i in range(start, stop)]
    shop.decided([spec for spec, _seen in kinds])
    return [seen for _spec, seen in kinds]


def build_actions(shop: Shop, start: int, stop: int) -> Visibility:
    w = shop.w
    public, secret, elsewhere = shop.decided(
        [{}, {"confidential": True}, {"confidential": True, "welzijn": True}]
    )
    due = timezone.localdate() + dt.timedelta(days=30)
    seen = []
    for i in range(start, stop):
        kind = i % 5
        if kind == 0:  # open, for the service: start, block, cancel
            Action.objects.create(item=public, title=f"Actie {i}", service=w.service, due_date=due)
            seen.append(EVERYONE)
        elif kind == 1:  # in progress, for the cluster chair: complete, block, cancel
            action = Action.objects.create(
                item=secret, title=f"Actie {i}", assignee=w.cluster_chair, due_date=due
            )
            fire(action, "start", actor=w.cluster_chair)
            seen.append(PAST_THE_GROUP)
        elif kind == 2:  # blocked, for the group member, overdue: resume, cancel
            action = Action.objects.create(
                item=secret,
                title=f"Actie {i}",
                assignee=w.group_member,
                due_date=timezone.localdate() - dt.timedelta(days=1),
            )
            fire(action, "block", actor=w.group_member, reason="Wacht op de offerte.")
            seen.append(PAST_THE_GROUP)
        elif kind == 3:  # done: reopen (coordinator)
            action = Action.objects.create(
                item=public, title=f"Actie {i}", service=w.service, due_date=due
            )
            fire(action, "start", actor=w.dvv)
            fire(action, "complete", actor=w.dvv)
            seen.append(EVERYONE)
        else:  # on a confidential item of the other group and cluster
            Action.objects.create(
                item=elsewhere, title=f"Actie {i}", assignee=w.author, due_date=due
            )
            seen.append(COORDINATOR_ONLY)
    return seen


RATIFICATION_KINDS: list[tuple[dict[str, Any], frozenset[str]]] = [
    ({}, EVERYONE),
    ({"confidential": True, "welzijn": True}, COORDINATOR_ONLY),
    ({"confidential": True}, PAST_THE_GROUP),
]


def build_ratifications(shop: Shop, start: int, stop: int) -> Visibility:
    """Approved decisions with 3 municipalities each (the last one perhaps fewer), their
    ratifications pending (ratify, decline, waive), ratified, waived or declined; which
    municipality's stays pending turns from decision to decision."""
    w = shop.w
    specs: list[dict[str, Any]] = []
    turns: list[int] = []
    seen = []
    left = stop - start
    while left:
        size = min(3, left)
        turn = next(shop.turns)
        fields, visible = RATIFICATION_KINDS[turn % len(RATIFICATION_KINDS)]
        specs.append({**fields, "municipalities": w.municipalities[:size]})
        turns.append(turn)
        seen += [visible] * size
        left -= size
    for turn, spec, item in zip(turns, specs, shop.decided(specs), strict=True):
        ratifications = list(item.decision.ratifications.order_by("municipality__name"))
        assert len(ratifications) == len(spec["municipalities"])
        for j, ratification in enumerate(ratifications):
            role = (j + turn // len(RATIFICATION_KINDS)) % 3
            if role == 1:
                fire(
                    ratification,
                    "ratify",
                    actor=w.coordinator,
                    date=timezone.localdate().isoformat(),
                    deciding_body="gemeenteraad",
                    reference=f"GR/{turn}/{j}",
                )
            elif role == 2 and turn % 2:
                fire(ratification, "decline", actor=w.coordinator, reason="Niet nodig.")
            elif role == 2:
                fire(ratification, "waive", actor=w.coordinator)
    return seen


@dataclass(frozen=True)
class Case:
    collection: str
    build: Builder
    baseline: dict[str, int] = field(default_factory=dict)
    """What the world of the fixture already holds, per caller (0 when absent)."""
    callers: tuple[str, ...] = CALLERS
    offered_to: tuple[str, ...] = ()
    """Callers to whom some row of the 50 offers a transition (the coordinator at least two
    on one row), so the per-row permission checks surely ran."""


CASES = [
    Case(
        "regions",
        build_regions,
        {**dict.fromkeys(CALLERS, 1), ADMINISTRATOR: 2},
        callers=(*CALLERS, ADMINISTRATOR),
    ),
    Case("municipalities", build_municipalities, dict.fromkeys(CALLERS, 3)),
    Case("bodies", build_bodies, dict.fromkeys(CALLERS, 3)),
    Case("memberships", build_memberships, dict.fromkeys(CALLERS, 7)),
    Case("services", build_services, dict.fromkeys(CALLERS, 1)),
    Case("coalitions", build_coalitions),
    Case("meetings", build_meetings, offered_to=("coordinator", "cluster_chair")),
    Case("agenda-items", build_agenda_items, offered_to=CALLERS),
    Case("decisions", build_decisions),
    Case(
        "actions",
        build_actions,
        callers=(*CALLERS, "dvv"),
        offered_to=(*CALLERS, "dvv"),
    ),
    Case(
        "ratifications",
        build_ratifications,
        callers=(*CALLERS, "director"),
        offered_to=("coordinator", "director"),
    ),
]

KNOWN_N_PLUS_ONE: dict[tuple[str, str], str] = {}
"""(collection, caller) -> why its count grows; those cases are strict xfails."""


def params() -> list[Any]:
    out = []
    for case in CASES:
        for caller in case.callers:
            reason = KNOWN_N_PLUS_ONE.get((case.collection, caller))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(case, caller, marks=marks, id=f"{case.collection}-{caller}"))
    return out


# --- Measuring -----------------------------------------------------------------------------


def caller_of(world: World, caller: str) -> Person:
    """A fresh copy of the caller, as a real request loads it (no roles cached on it)."""
    if caller == ADMINISTRATOR:
        admin, _created = Person.objects.get_or_create(
            username="admin",
            defaults={"region": world.region, "is_superuser": True, "is_staff": True},
        )
        return Person.objects.get(pk=admin.pk)
    return Person.objects.get(pk=getattr(world, caller).pk)


def measure(user: Person, url: str) -> tuple[list[str], dict[str, Any]]:
    client = APIClient()
    client.force_authenticate(user)
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)
    assert answer.status_code == 200, answer.content
    return [q["sql"] for q in queries.captured_queries], answer.json()


def shape(sql: str) -> str:
    """The query without its literals, its column list and the length of its IN lists, to
    recognise the one that repeats."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    sql = re.sub(r"\((?:\?, )*\?\)", "(?, …)", sql)
    sql = re.sub(r'\(("[^"]+"\."[^"]+" = \?)(?: OR \1)+\)', r"\1", sql)  # SQLite's IN
    return re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", sql)


def growth(few: list[str], many: list[str]) -> str:
    """Say which queries run more often with many rows than with few."""
    before, after = Counter(map(shape, few)), Counter(map(shape, many))
    changed = [q for q in {**before, **after} if before[q] != after[q]]
    return "\n".join(f"  {before[q]} -> {after[q]} times: {q[:500]}" for q in changed)


@pytest.mark.parametrize(("case", "caller"), params())
def test_a_list_costs_the_same_queries_for_5_and_for_50_rows(
    world: World, case: Case, caller: str
) -> None:
    shop = Shop(world)
    url = f"/api/v1/{case.collection}/?page_size=100"
    seen: Visibility = []
    measured: list[list[str]] = []
    for size in SIZES:
        seen += case.build(shop, len(seen), size)
        assert len(seen) == size
        expected = case.baseline.get(caller, 0) + sum(caller in v for v in seen)
        sql, page = measure(caller_of(world, caller), url)
        assert (page["count"], len(page["results"])) == (expected, expected), (
            f"{case.collection} as {caller} with {size} built: "
            f"{page['count']} results, expected {expected}"
        )
        measured.append(sql)
    offered = [set(row.get("available_transitions", ())) for row in page["results"]]
    if caller in case.offered_to:
        most = 2 if caller == "coordinator" else 1
        assert any(len(t) >= most for t in offered), f"{case.collection} as {caller}: {offered}"
    few, many = measured
    assert len(many) == len(few), (
        f"GET {url} as {caller}: {len(few)} queries for {SIZES[0]} objects, "
        f"{len(many)} for {SIZES[1]}. Queries whose number changed:\n{growth(few, many)}"
    )


def test_me_costs_the_same_queries_for_few_and_many_memberships(world: World) -> None:
    """`GET /api/v1/me/` for someone with 5 running memberships and with 50 (and a few
    that ended, which it leaves out)."""
    person = world.group_member  # a member of the intervision group
    running = Membership.objects.active().filter(person=person).count()
    assert running == 1
    measured: list[list[str]] = []
    for size in SIZES:
        for i in range(running, size):
            body = Body.objects.create(
                region=world.region, kind=Body.Kind.CLUSTER, name=f"Cluster {i}", code=f"CL-{i}"
            )
            Membership.objects.create(
                body=body,
                person=person,
                role=Membership.Role.CHAIR if i % 2 else Membership.Role.MEMBER,
                municipality=world.municipalities[i % 3] if i % 3 else None,
                start_date=START,
            )
            if i % 10 == 0:
                Membership.objects.create(
                    body=body,
                    person=person,
                    start_date=dt.date(2023, 1, 1),
                    end_date=dt.date(2023, 12, 31),
                )
        running = size
        sql, me = measure(caller_of(world, "group_member"), "/api/v1/me/")
        assert len(me["memberships"]) == size
        assert len(me["roles"]) == size
        measured.append(sql)
    few, many = measured
    assert len(many) == len(few), growth(few, many)
