"""A forum's meeting page offers noting its items, never approving or rejecting them."""

from __future__ import annotations

import pytest

from backend.agenda.models import AgendaItem
from tests.conftest import World
from tests.forum import build_forum
from tests.web.pages import signed_in, text

pytestmark = pytest.mark.django_db


def test_the_forum_chair_is_offered_take_note_only_and_a_forced_approve_says_why(
    world: World,
) -> None:
    forum = build_forum(world)
    item = world.prepared_item(target_cluster=forum.body)
    meeting = forum.in_session(item)
    client = signed_in(forum.chair)
    page = text(client.get(f"/vergaderingen/{meeting.pk}/"))
    assert f"/overgang/item/{item.pk}/take_note/" in page
    assert f"/overgang/item/{item.pk}/approve/" not in page
    assert f"/overgang/item/{item.pk}/reject/" not in page
    answer = client.post(
        f"/overgang/item/{item.pk}/approve/",
        {"text": "Goedgekeurd.", "mode": "consensus", "consensus": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert "Een overlegforum neemt akte van zijn punten en beslist niets" in text(answer)
    item.refresh_from_db()
    assert item.state == "scheduled"
    client.post(f"/overgang/item/{item.pk}/take_note/", {}, HTTP_HX_REQUEST="true")
    item.refresh_from_db()
    assert item.state == "completed" and not hasattr(item, "decision")
    assert AgendaItem.objects.get(pk=item.pk).entries.get().outcome == "noted"


def test_an_item_form_offers_the_forum_as_target(world: World) -> None:
    forum = build_forum(world)
    page = text(signed_in(world.author).get("/punten/nieuw/"))
    assert f'<option value="{forum.body.pk}">OCMW-voorzittersoverleg</option>' in page
    assert f'<option value="{world.group.pk}">' not in page.split('name="target_cluster"')[1]
