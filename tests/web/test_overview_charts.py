"""The overview's pictures: drawn on the server as SVG, with the same figures as a table
for screen readers."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from backend.agenda.models import AgendaItem
from backend.agenda.selectors import decisions_visible_to
from backend.followup.figures import actions_by_week, decision_times, ratification_progress
from backend.followup.models import Action
from backend.followup.selectors import actions_visible_to, ratifications_visible_to
from tests.conftest import World
from workflows.engine import fire

pytestmark = pytest.mark.django_db


def test_the_charts_count_what_the_region_holds(world: World, decided: SimpleNamespace) -> None:
    AgendaItem.objects.filter(pk=decided.item.pk).update(
        created_at=decided.decision.decided_at - dt.timedelta(days=20)
    )
    Action.objects.create(
        item=decided.item,
        title="Te laat",
        service=world.service,
        due_date=timezone.localdate() - dt.timedelta(days=1),
    )
    times = decision_times(decisions_visible_to(world.coordinator))
    [bar] = times.bars
    assert bar.label == world.cluster.name and round(bar.parts[0].value) == 20
    weeks = actions_by_week(actions_visible_to(world.coordinator))
    assert weeks.bars[0].label == "te laat" and weeks.bars[0].parts[0].value == 1
    assert sum(b.parts[0].value for b in weeks.bars) == 2
    fire(
        decided.ratification,
        "ratify",
        actor=world.coordinator,
        date=timezone.localdate().isoformat(),
        deciding_body="college",
        reference="CBS/1",
    )
    progress = {
        b.label: [p.value for p in b.parts]
        for b in ratification_progress(ratifications_visible_to(world.coordinator)).bars
    }
    assert progress == {"Roeselare": [1, 0], "Tielt": [0, 1]}


def test_the_overview_draws_them_with_their_figures_as_a_table(
    world: World, decided: SimpleNamespace
) -> None:
    client = Client()
    client.force_login(world.coordinator)
    page = client.get("/overzicht/").content.decode()
    assert page.count('<svg class="chart"') == 3
    assert (
        'aria-hidden="true"' in page
        and "<script" not in page.split('id="pictures"')[1].split("</section>")[0]
    )
    assert "<caption>Bekrachtigingen per gemeente</caption>" in page
    assert '<th scope="row">Tielt</th><td>0</td><td>1</td>' in page


def test_a_region_sees_only_its_own_figures(world: World, decided: SimpleNamespace) -> None:
    assert ratification_progress(ratifications_visible_to(world.stranger)).bars == ()
    assert decision_times(decisions_visible_to(world.stranger)).bars == ()
