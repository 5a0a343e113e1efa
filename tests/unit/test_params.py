"""Parsing a transition's parameters: an empty value is a missing one, and the refusals
say exactly what was wrong."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import models
from django.utils import translation

from backend.organisations.models import Body
from workflows import params as p
from workflows.errors import GuardFailed


class Colour(models.TextChoices):
    RED = "red", "red"
    GREEN = "green", "green"


def reasons(call: object, *args: object, **kwargs: object) -> list[str]:
    with translation.override("en"), pytest.raises(GuardFailed) as refused:
        call(*args, **kwargs)  # type: ignore[operator]
    return [str(reason) for reason in refused.value.reasons]


@pytest.mark.parametrize("empty", [None, ""])
def test_an_empty_value_is_a_missing_one(empty: object) -> None:
    assert reasons(p.choice, empty, Colour, required_reason="Pick one.") == ["Pick one."]
    assert reasons(p.date, empty, required_reason="Give a date.") == ["Give a date."]
    assert reasons(
        p.instance,
        empty,
        Body.objects.all(),
        required_reason="Choose a body.",
        unknown_reason="No such body.",
    ) == ["Choose a body."]


def test_a_wrong_choice_is_quoted_to_50_characters_with_the_choices_on_offer() -> None:
    assert reasons(p.choice, "x" * 60, Colour, required_reason="?") == [
        f"{'x' * 50} is not one of: red, green."
    ]
    assert p.choice("green", Colour, required_reason="?") == "green"


def test_a_date_that_is_not_iso_is_refused_with_the_format_to_use() -> None:
    assert reasons(p.date, "7/12/2026", required_reason="?") == ["Give the date as YYYY-MM-DD."]


def test_the_history_stores_objects_as_ids_and_dates_as_iso_at_any_depth() -> None:
    at = dt.datetime(2026, 3, 3, 9, 30, tzinfo=dt.UTC)
    assert p.as_json(
        {
            "body": Body(pk=7),
            "on": dt.date(2026, 3, 3),
            "votes": {3: "yes", "at": at, "bodies": [Body(pk=8), (dt.date(2026, 1, 2), None)]},
            4: "four",
        }
    ) == {
        "body": 7,
        "on": "2026-03-03",
        "votes": {
            "3": "yes",
            "at": "2026-03-03T09:30:00+00:00",
            "bodies": [8, ["2026-01-02", None]],
        },
        "4": "four",
    }


def test_parameters_are_a_mapping_of_names_the_step_takes() -> None:
    assert reasons(p.only, ["meeting"], {"meeting"}) == ["The parameters must be an object."]
    assert reasons(p.only, {"b": 1, "a": 2, "meeting": 3}, {"meeting"}) == [
        "Unknown parameter: a.",
        "Unknown parameter: b.",
    ]
    assert p.only({"meeting": 3}, ["meeting"]) == {"meeting": 3}


def test_a_text_is_stripped_and_an_empty_one_is_missing_unless_it_may_be_empty() -> None:
    assert p.text("  Dringend \n", required_reason=None) == "Dringend"
    assert p.text("  Dringend \n", required_reason="Give a text.") == "Dringend"
    for empty in (None, "", " \t\n"):
        assert p.text(empty, required_reason=None) == ""
        assert reasons(p.text, empty, required_reason="Give a text.") == ["Give a text."]


def test_a_text_must_be_a_storable_string() -> None:
    assert reasons(p.text, 5, required_reason=None) == ["A text was expected."]
    assert reasons(p.text, ["a"], required_reason="?") == ["A text was expected."]
    assert reasons(p.text, "a\x00b", required_reason="?") == [
        "text contains a character that cannot be stored (at position 2)."
    ]
    assert reasons(p.text, "ab\ud800", required_reason="?", field="reason") == [
        "reason contains a character that cannot be stored (at position 3)."
    ]
    assert reasons(p.text, "abcd", required_reason="?", max_length=3) == [
        "The text is too long (at most 3 characters)."
    ]
    assert p.text("abc", required_reason="?", max_length=3) == "abc"
