"""What a transition over the API reads and writes: the object once to act on it, the
transaction (lock, update, history row), the object once more to answer, and the caller's
roles for the transitions on offer. Nothing of the list (filters, its page query)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from backend.audit.models import TransitionLog
from tests.conftest import World
from workflows.engine import fire

pytestmark = pytest.mark.django_db


def test_a_submit_answers_the_moved_item_within_its_query_budget(
    world: World, api: Callable[[str | None], APIClient]
) -> None:
    item = world.item()
    author = api("author")
    with CaptureQueriesContext(connection) as context:
        answer = author.post(f"/api/v1/agenda-items/{item.pk}/transitions/submit/", {})
    assert answer.status_code == 200
    body = answer.json()
    assert body["state"] == "submitted" and body["version"] == item.version + 1
    assert body["available_transitions"] == ["withdraw"]
    assert TransitionLog.objects.for_object(item).get().transition == "submit"
    # content types are cached by the process; a test starts with an empty cache
    statements = [
        q["sql"].split()[0].upper()
        for q in context.captured_queries
        if "django_content_type" not in q["sql"]
    ]
    # load (with what the answer shows), (savepoint), lock, update, history row,
    # (release), two prefetches, roles: a step without an effect answers with the object
    # it loaded instead of reading it again
    assert statements.count("SELECT") == 5, statements
    assert statements.count("UPDATE") == 1 and statements.count("INSERT") == 1
    assert len(statements) <= 9, statements


@pytest.mark.parametrize(
    ("steps", "name", "persona"),
    [
        ((), "submit", "author"),
        (("submit",), "start_preparation", "group_chair"),
        (("submit", "start_preparation"), "send_back", "group_chair"),
        (("submit",), "withdraw", "author"),
    ],
)
def test_the_answer_to_a_transition_is_what_reading_the_item_gives_right_after(
    world: World,
    api: Callable[[str | None], APIClient],
    steps: tuple[str, ...],
    name: str,
    persona: str,
) -> None:
    """Whether it answers with the object it loaded (no effect) or reads it again (an
    effect, such as withdraw's), the answer is the item as stored."""
    item = world.item(confidential=True)
    for step in steps:
        fire(item, step, actor=world.author if step == "submit" else world.group_chair)
    client = api(persona)
    answer = client.post(f"/api/v1/agenda-items/{item.pk}/transitions/{name}/", {})
    assert answer.status_code == 200, answer.content
    assert answer.content == client.get(f"/api/v1/agenda-items/{item.pk}/").content


def test_a_transition_on_an_object_the_caller_cannot_see_is_404_and_reads_one_row(
    world: World, api: Callable[[str | None], APIClient]
) -> None:
    secret = world.item(confidential=True, author=world.group_member)
    director = api("director")
    with CaptureQueriesContext(connection) as context:
        answer = director.post(f"/api/v1/agenda-items/{secret.pk}/transitions/submit/", {})
    assert answer.status_code == 404
    assert secret.__class__.objects.get(pk=secret.pk).state == "draft"
    assert not TransitionLog.objects.for_object(secret).exists()
    # the item, then what the visibility rule reads: the caller's roles and the item's
    # entries (the refusal itself is written to the audit log)
    reads = [q["sql"] for q in context.captured_queries if q["sql"].startswith("SELECT")]
    assert len(reads) <= 3, reads
