"""The list filters of DOMAIN.md §5 really filter, and lists page in a stable order.

Every test builds rows that the filter must leave out, so a filter that is ignored (or
matches too much) fails. Default orders are the ones the views declare:
agenda items newest first (`-created_at, -id`), meetings latest first (`-starts_at, -id`),
actions by due date (`due_date, id`), decisions latest first (`-decided_at, -id`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from backend.agenda.models import AgendaItem
from backend.followup.models import Action
from backend.meetings.models import Meeting
from backend.organisations.models import Body, Coalition, Membership
from tests.conftest import World
from workflows.engine import fire

Client = Callable[[str | None], APIClient]


def listed(client: APIClient, url: str) -> list[dict[str, Any]]:
    """Return the results of a list that fits on one page."""
    answer = client.get(url)
    assert answer.status_code == 200, answer.content[:500]
    body = answer.json()
    assert body["next"] is None and body["count"] == len(body["results"]), body
    return body["results"]


def ids(client: APIClient, url: str) -> list[int]:
    return [row["id"] for row in listed(client, url)]


def today(days: int = 0) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


# --- bodies, memberships, meetings --------------------------------------------------------


def test_bodies_are_filtered_by_kind(world: World, api: Client) -> None:
    board = Body.objects.create(
        region=world.region, kind=Body.Kind.DAILY_BOARD, name="Dagelijks bestuur", code="DB"
    )
    Body.objects.create(
        region=world.stranger.region, kind=Body.Kind.CLUSTER, name="Cluster Westhoek", code="CL"
    )
    coordinator = api("coordinator")
    assert set(ids(coordinator, "/api/v1/bodies/?kind=cluster")) == {
        world.cluster.pk,
        world.other_cluster.pk,
    }
    assert ids(coordinator, "/api/v1/bodies/?kind=intervision_group") == [world.group.pk]
    assert ids(coordinator, "/api/v1/bodies/?kind=daily_board") == [board.pk]
    assert ids(coordinator, "/api/v1/bodies/?kind=general_assembly") == []
    assert len(ids(coordinator, "/api/v1/bodies/")) == 4


def test_memberships_are_filtered_by_body(world: World, api: Client) -> None:
    coordinator = api("coordinator")

    def members(body: Body) -> set[tuple[str, str]]:
        return {
            (row["person"]["username"], row["role"])
            for row in listed(coordinator, f"/api/v1/memberships/?body={body.pk}")
        }

    assert members(world.group) == {
        ("author", "member"),
        ("groupmember", "member"),
        ("groupchair", "chair"),
    }
    assert members(world.cluster) == {
        ("groupchair", "member"),
        ("clusterchair", "chair"),
        ("clustermember", "member"),
        ("third_member", "member"),
    }
    assert members(world.other_cluster) == set()
    assert len(listed(coordinator, "/api/v1/memberships/")) == Membership.objects.count() == 7


def test_meetings_are_filtered_by_body_and_state(world: World, api: Client) -> None:
    planned = world.meeting(days=10)
    cancelled = world.meeting(days=20)
    fire(cancelled, "cancel", actor=world.coordinator)
    convened = world.meeting(days=30)
    fire(world.prepared_item(), "schedule", actor=world.coordinator, meeting=convened.pk)
    fire(convened, "convene", actor=world.coordinator)
    welzijn = world.meeting(body=world.other_cluster, days=15)
    coordinator = api("coordinator")

    def found(query: str) -> set[int]:
        return set(ids(coordinator, f"/api/v1/meetings/?{query}"))

    assert found(f"body={world.cluster.pk}") == {planned.pk, cancelled.pk, convened.pk}
    assert found(f"body={world.other_cluster.pk}") == {welzijn.pk}
    assert found("state=planned") == {planned.pk, welzijn.pk}
    assert found(f"body={world.cluster.pk}&state=planned") == {planned.pk}
    assert found(f"body={world.cluster.pk}&state=cancelled") == {cancelled.pk}
    assert found(f"body={world.other_cluster.pk}&state=convened") == set()
    assert found("") == {planned.pk, cancelled.pk, convened.pk, welzijn.pk}


# --- agenda items -------------------------------------------------------------------------


@pytest.fixture
def items(world: World) -> SimpleNamespace:
    """Items that differ in one respect each from the `fietsroute` draft."""
    roeselare, tielt, izegem = world.municipalities
    welzijn_group = Body.objects.create(
        region=world.region,
        kind=Body.Kind.INTERVISION_GROUP,
        name="Intervisiegroep Welzijn",
        code="IG-WELZIJN",
        prepares_for=world.other_cluster,
    )
    fietsroute = world.item(title="Regionale fietsroute Roeselare-Tielt")
    stalling = world.item(title="Fietsenstalling aan het station van Tielt")
    fire(stalling, "submit", actor=world.author)
    bibliotheek = world.item(
        title="Bibliotheeknetwerk Midwest",
        intervision_group=welzijn_group,
        target_cluster=world.other_cluster,
        municipalities=[izegem],
    )
    on_first = world.prepared_item(title="Gezamenlijke GIS-licentie", municipalities=[tielt])
    on_second = world.prepared_item(title="Archiefbeheer DVV", municipalities=[roeselare])
    first, second = world.meeting(days=10), world.meeting(days=20)
    fire(on_first, "schedule", actor=world.coordinator, meeting=first.pk)
    fire(on_second, "schedule", actor=world.coordinator, meeting=second.pk)
    return SimpleNamespace(
        fietsroute=fietsroute,
        stalling=stalling,
        bibliotheek=bibliotheek,
        on_first=on_first,
        on_second=on_second,
        first=first,
        second=second,
        welzijn_group=welzijn_group,
    )


def titles(client: APIClient, query: str) -> set[str]:
    return {row["title"] for row in listed(client, f"/api/v1/agenda-items/?{query}")}


def test_agenda_items_are_filtered_by_state(
    world: World, api: Client, items: SimpleNamespace
) -> None:
    coordinator = api("coordinator")
    assert titles(coordinator, "state=submitted") == {items.stalling.title}
    assert titles(coordinator, "state=scheduled") == {items.on_first.title, items.on_second.title}
    assert titles(coordinator, "state=draft") == {items.fietsroute.title, items.bibliotheek.title}
    assert titles(coordinator, "state=approved") == set()


def test_agenda_items_are_filtered_by_intervision_group_and_target_cluster(
    world: World, api: Client, items: SimpleNamespace
) -> None:
    coordinator = api("coordinator")
    everything = titles(coordinator, "")
    assert len(everything) == 5
    assert titles(coordinator, f"intervision_group={items.welzijn_group.pk}") == {
        items.bibliotheek.title
    }
    assert titles(coordinator, f"intervision_group={world.group.pk}") == everything - {
        items.bibliotheek.title
    }
    assert titles(coordinator, f"target_cluster={world.other_cluster.pk}") == {
        items.bibliotheek.title
    }
    assert titles(
        coordinator, f"target_cluster={world.cluster.pk}&intervision_group={world.group.pk}"
    ) == everything - {items.bibliotheek.title}
    assert titles(coordinator, f"target_cluster={world.other_cluster.pk}&state=submitted") == set()


def test_agenda_items_are_filtered_by_the_meeting_they_are_on(
    world: World, api: Client, items: SimpleNamespace
) -> None:
    coordinator = api("coordinator")
    assert titles(coordinator, f"meeting={items.first.pk}") == {items.on_first.title}
    assert titles(coordinator, f"meeting={items.second.pk}") == {items.on_second.title}
    assert titles(coordinator, f"meeting={world.meeting().pk}") == set()


def test_agenda_items_are_filtered_by_municipality_concerned_and_listed_once(
    world: World, api: Client, items: SimpleNamespace
) -> None:
    roeselare, tielt, izegem = world.municipalities
    coordinator = api("coordinator")
    assert titles(coordinator, f"municipality={izegem.pk}") == {items.bibliotheek.title}
    # The fixture's items concern Roeselare and Tielt unless told otherwise.
    roeselare_rows = listed(coordinator, f"/api/v1/agenda-items/?municipality={roeselare.pk}")
    assert [row["title"] for row in roeselare_rows].count(items.fietsroute.title) == 1
    assert {row["title"] for row in roeselare_rows} == {
        items.fietsroute.title,
        items.stalling.title,
        items.on_second.title,
    }
    assert items.on_second.title not in titles(coordinator, f"municipality={tielt.pk}")


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("fietsroute", {"fietsroute"}),
        ("FIETS", {"fietsroute", "stalling"}),
        ("tielt", {"fietsroute", "stalling"}),
        ("station tielt", {"stalling"}),
        ("regionale fietsroute", {"fietsroute"}),
        ("bibliotheek midwest", {"bibliotheek"}),
        ("zwembad", set()),
    ],
)
def test_agenda_items_are_searched_by_the_words_of_their_title(
    world: World, api: Client, items: SimpleNamespace, search: str, expected: set[str]
) -> None:
    found = titles(api("coordinator"), f"search={search.replace(' ', '+')}")
    assert found == {getattr(items, name).title for name in expected}


def test_filters_only_narrow_what_the_caller_may_see(
    world: World, api: Client, items: SimpleNamespace
) -> None:
    secret = world.item(title="Vertrouwelijk personeelsdossier fietsroute", confidential=True)
    assert secret.title in titles(api("coordinator"), "search=fietsroute")
    assert secret.title not in titles(api("dvv"), "search=fietsroute")
    assert titles(api("stranger"), f"intervision_group={world.group.pk}") == set()
    assert titles(api("stranger"), "search=fietsroute") == set()


@pytest.mark.parametrize(
    ("persona", "query"),
    [
        ("stranger", "agenda-items/?intervision_group={group}"),
        ("stranger", "meetings/?body={cluster}"),
        ("stranger", "memberships/?person={author}"),
        ("dvv", "decisions/?item={secret}"),
        ("dvv", "actions/?item={secret}"),
    ],
)
def test_a_filter_by_an_invisible_object_answers_as_for_one_that_does_not_exist(
    world: World, api: Client, persona: str, query: str
) -> None:
    secret = world.item(title="Vertrouwelijk dossier", confidential=True)
    visible_id = query.format(
        group=world.group.pk, cluster=world.cluster.pk, author=world.author.pk, secret=secret.pk
    )
    missing_id = query.format(group=999999, cluster=999999, author=999999, secret=999999)
    client = api(persona)
    invisible = client.get(f"/api/v1/{visible_id}")
    nonexistent = client.get(f"/api/v1/{missing_id}")
    assert invisible.status_code == nonexistent.status_code


# --- decisions and ratifications ----------------------------------------------------------


@pytest.fixture
def decisions(world: World) -> SimpleNamespace:
    """Two meetings: on the first the fietsroute is approved and the GIS licence rejected,
    on the second the archive is approved (for Roeselare and Izegem)."""
    roeselare, _tielt, izegem = world.municipalities
    fietsroute = world.prepared_item(title="Regionale fietsroute")
    licentie = world.prepared_item(title="Gezamenlijke GIS-licentie")
    archief = world.prepared_item(title="Archiefbeheer DVV", municipalities=[roeselare, izegem])
    first = world.meeting_in_session(fietsroute, licentie)
    chair = world.cluster_chair
    fire(fietsroute, "approve", actor=chair, text="Goedgekeurd.", consensus=True)
    fire(licentie, "reject", actor=chair, text="Verworpen.", consensus=True)
    second = world.meeting_in_session(archief)
    fire(archief, "approve", actor=chair, text="Goedgekeurd.", consensus=True)
    for item in (fietsroute, licentie, archief):
        item.refresh_from_db()
    return SimpleNamespace(
        fietsroute=fietsroute,
        licentie=licentie,
        archief=archief,
        first=first,
        second=second,
    )


def test_decisions_are_filtered_by_meeting_and_item(
    world: World, api: Client, decisions: SimpleNamespace
) -> None:
    coordinator = api("coordinator")
    d = decisions
    first_meeting = ids(coordinator, f"/api/v1/decisions/?meeting={d.first.pk}")
    assert set(first_meeting) == {d.fietsroute.decision.pk, d.licentie.decision.pk}
    assert ids(coordinator, f"/api/v1/decisions/?meeting={d.second.pk}") == [d.archief.decision.pk]
    assert ids(coordinator, f"/api/v1/decisions/?item={d.licentie.pk}") == [d.licentie.decision.pk]
    assert ids(coordinator, f"/api/v1/decisions/?meeting={d.second.pk}&item={d.licentie.pk}") == []
    assert ids(coordinator, f"/api/v1/decisions/?meeting={d.first.pk}&outcome=approved") == [
        d.fietsroute.decision.pk
    ]


def test_ratifications_are_filtered_by_decision_municipality_state_and_coalition(
    world: World, api: Client, decisions: SimpleNamespace
) -> None:
    roeselare, tielt, izegem = world.municipalities
    d = decisions
    fietsroute, archief = d.fietsroute.decision, d.archief.decision
    klimaat = Coalition.objects.create(region=world.region, name="Klimaatoverleg Midwest")
    klimaat.municipalities.set([tielt, izegem])
    ratified = fietsroute.ratifications.get(municipality=roeselare)
    fire(
        ratified,
        "ratify",
        actor=world.director,
        date=timezone.localdate(),
        deciding_body="gemeenteraad",
        reference="GR/2026/77",
    )
    coordinator = api("coordinator")

    def found(query: str) -> set[tuple[str, str]]:
        rows = listed(coordinator, f"/api/v1/ratifications/?{query}")
        number = {fietsroute.pk: "fietsroute", archief.pk: "archief"}
        name = {m.pk: m.name for m in world.municipalities}
        return {(number[row["decision"]], name[row["municipality"]]) for row in rows}

    # A rejected decision needs no ratification: four in all.
    assert found("") == {
        ("fietsroute", "Roeselare"),
        ("fietsroute", "Tielt"),
        ("archief", "Roeselare"),
        ("archief", "Izegem"),
    }
    assert found(f"decision={fietsroute.pk}") == {
        ("fietsroute", "Roeselare"),
        ("fietsroute", "Tielt"),
    }
    assert found(f"municipality={roeselare.pk}") == {
        ("fietsroute", "Roeselare"),
        ("archief", "Roeselare"),
    }
    assert found("state=ratified") == {("fietsroute", "Roeselare")}
    assert found(f"state=pending&municipality={roeselare.pk}") == {("archief", "Roeselare")}
    assert found(f"coalition={klimaat.pk}") == {("fietsroute", "Tielt"), ("archief", "Izegem")}
    assert found(f"coalition={klimaat.pk}&decision={archief.pk}") == {("archief", "Izegem")}
    assert found(f"decision={d.licentie.decision.pk}") == set()


# --- actions --------------------------------------------------------------------------


@pytest.fixture
def actions(world: World) -> SimpleNamespace:
    """Actions on two approved items, for the director, the dvv person and the GIS service."""
    roeselare, _tielt, izegem = world.municipalities
    fietsroute = world.prepared_item(title="Regionale fietsroute")
    archief = world.prepared_item(title="Archiefbeheer DVV", municipalities=[roeselare, izegem])
    world.meeting_in_session(fietsroute, archief)
    for item in (fietsroute, archief):
        fire(item, "approve", actor=world.cluster_chair, text="Goedgekeurd.", consensus=True)

    def action(item: AgendaItem, title: str, due: int, **owner: Any) -> Action:
        return Action.objects.create(item=item, title=title, due_date=today(due), **owner)

    coordinator = world.coordinator
    signage = action(fietsroute, "Bewegwijzering bestellen", 10, assignee=world.director)
    gis = action(fietsroute, "Tracé intekenen in het GIS", -5, service=world.service)
    budget = action(fietsroute, "Budget vastleggen", -20, assignee=world.director)
    fire(budget, "start", actor=coordinator)
    fire(budget, "complete", actor=coordinator)
    scan = action(archief, "Archief inscannen", 40, assignee=world.dvv)
    fire(scan, "start", actor=coordinator)
    late_block = action(archief, "Archiefruimte huren", -1, assignee=world.dvv)
    fire(late_block, "block", actor=coordinator, reason="Wacht op offerte")
    return SimpleNamespace(
        fietsroute=fietsroute,
        archief=archief,
        signage=signage,
        gis=gis,
        budget=budget,
        scan=scan,
        late_block=late_block,
    )


def action_titles(client: APIClient, query: str) -> list[str]:
    return [row["title"] for row in listed(client, f"/api/v1/actions/?{query}")]


def test_actions_are_filtered_by_item(world: World, api: Client, actions: SimpleNamespace) -> None:
    coordinator = api("coordinator")
    assert set(action_titles(coordinator, f"item={actions.archief.pk}")) == {
        actions.scan.title,
        actions.late_block.title,
    }
    assert len(action_titles(coordinator, f"item={actions.fietsroute.pk}")) == 3


def test_actions_assigned_to_me_are_the_callers_own(
    world: World, api: Client, actions: SimpleNamespace
) -> None:
    a = actions
    assert set(action_titles(api("director"), "assignee=me")) == {a.signage.title, a.budget.title}
    # The dvv person works for the GIS service too, but is not its action's assignee.
    assert set(action_titles(api("dvv"), "assignee=me")) == {a.scan.title, a.late_block.title}
    assert action_titles(api("coordinator"), "assignee=me") == []
    assert set(action_titles(api("coordinator"), f"assignee={world.dvv.pk}")) == {
        a.scan.title,
        a.late_block.title,
    }


def test_overdue_actions_are_the_unfinished_ones_past_their_due_date(
    world: World, api: Client, actions: SimpleNamespace
) -> None:
    a = actions
    coordinator = api("coordinator")
    assert set(action_titles(coordinator, "overdue=true")) == {a.gis.title, a.late_block.title}
    assert set(action_titles(coordinator, "overdue=false")) == {
        a.signage.title,
        a.budget.title,
        a.scan.title,
    }
    assert action_titles(api("dvv"), "assignee=me&overdue=true") == [a.late_block.title]
    overdue_flags = {
        row["title"]: row["overdue"] for row in listed(coordinator, "/api/v1/actions/")
    }
    assert {title for title, late in overdue_flags.items() if late} == {
        a.gis.title,
        a.late_block.title,
    }


def test_actions_are_filtered_by_state_and_due_date(
    world: World, api: Client, actions: SimpleNamespace
) -> None:
    a = actions
    coordinator = api("coordinator")
    assert action_titles(coordinator, "state=done") == [a.budget.title]
    assert set(action_titles(coordinator, "state=open")) == {a.signage.title, a.gis.title}
    assert action_titles(coordinator, "state=blocked") == [a.late_block.title]
    assert action_titles(coordinator, "state=cancelled") == []
    # due_before is strict: an action due on that very day is not before it.
    assert action_titles(coordinator, f"due_before={today(10).isoformat()}") == [
        a.budget.title,
        a.gis.title,
        a.late_block.title,
    ]
    assert action_titles(coordinator, f"due_before={today(11).isoformat()}&state=open") == [
        a.gis.title,
        a.signage.title,
    ]


# --- pagination and ordering ----------------------------------------------------------------


def many_items(world: World, count: int, *, same_time: bool = False) -> list[AgendaItem]:
    """Create `count` drafts, one second apart (or all at the same moment)."""
    start = timezone.now() - dt.timedelta(days=1)
    return AgendaItem.objects.bulk_create(
        AgendaItem(
            title=f"Voorstel {number:03d}: fietspad langs de Mandel",
            author=world.author,
            intervision_group=world.group,
            target_cluster=world.cluster,
            created_at=start if same_time else start + dt.timedelta(seconds=number),
        )
        for number in range(count)
    )


def test_a_list_has_count_next_previous_and_results(world: World, api: Client) -> None:
    many_items(world, 23)
    coordinator = api("coordinator")
    first = coordinator.get("/api/v1/agenda-items/?page_size=10").json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert (first["count"], len(first["results"]), first["previous"]) == (23, 10, None)
    assert parse_qs(urlsplit(first["next"]).query) == {"page": ["2"], "page_size": ["10"]}

    second = coordinator.get(first["next"]).json()
    assert len(second["results"]) == 10 and second["previous"] and second["next"]
    third = coordinator.get(second["next"]).json()
    assert (len(third["results"]), third["next"]) == (3, None)
    assert parse_qs(urlsplit(third["previous"]).query)["page"] == ["2"]


def test_a_page_holds_25_by_default_and_never_more_than_100(world: World, api: Client) -> None:
    many_items(world, 105)
    coordinator = api("coordinator")
    default = coordinator.get("/api/v1/agenda-items/").json()
    assert (default["count"], len(default["results"])) == (105, 25)
    capped = coordinator.get("/api/v1/agenda-items/?page_size=100000").json()
    assert len(capped["results"]) == 100 and capped["next"] is not None


def test_the_count_and_pages_follow_the_filter(world: World, api: Client) -> None:
    many_items(world, 12)
    other = world.item(title="Bibliotheeknetwerk", target_cluster=world.other_cluster)
    coordinator = api("coordinator")
    page = coordinator.get(
        f"/api/v1/agenda-items/?target_cluster={world.cluster.pk}&page_size=5&page=3"
    ).json()
    assert (page["count"], len(page["results"]), page["next"]) == (12, 2, None)
    assert "target_cluster" in page["previous"]
    assert other.pk not in [row["id"] for row in page["results"]]


def test_agenda_items_come_newest_first(world: World, api: Client) -> None:
    created = many_items(world, 8)
    assert ids(api("coordinator"), "/api/v1/agenda-items/") == [i.pk for i in reversed(created)]


def test_the_same_request_twice_gives_the_same_order_even_when_dates_tie(
    world: World, api: Client
) -> None:
    created = many_items(world, 30, same_time=True)
    coordinator = api("coordinator")

    def walk() -> list[int]:
        seen: list[int] = []
        url: str | None = "/api/v1/agenda-items/?page_size=7"
        while url:
            body = coordinator.get(url).json()
            seen += [row["id"] for row in body["results"]]
            url = body["next"]
        return seen

    once, twice = walk(), walk()
    assert once == twice
    assert once == sorted((item.pk for item in created), reverse=True)


def test_meetings_come_latest_first_and_actions_by_due_date(
    world: World, api: Client, actions: SimpleNamespace
) -> None:
    coordinator = api("coordinator")
    for days in (30, 5, 60):
        world.meeting(days=days)
    starts = [row["starts_at"] for row in listed(coordinator, "/api/v1/meetings/")]
    assert starts == sorted(starts, reverse=True) and len(starts) == 4
    assert Meeting.objects.count() == 4

    dues = [row["due_date"] for row in listed(coordinator, "/api/v1/actions/")]
    assert dues == sorted(dues) and len(dues) == 5


def test_decisions_come_latest_first(world: World, api: Client, decisions: SimpleNamespace) -> None:
    rows = listed(api("coordinator"), "/api/v1/decisions/")
    assert [row["decided_at"] for row in rows] == sorted(
        (row["decided_at"] for row in rows), reverse=True
    )
    assert rows[0]["id"] == decisions.archief.decision.pk
