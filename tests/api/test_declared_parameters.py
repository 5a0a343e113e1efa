"""Each transition's parameters are declared once: the API's schema, the parser and the
page's form all say the same for every step of every machine."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from backend.api.urls import router
from backend.transitions.kinds import kind_of
from backend.web.transitions import TransitionForm, raw_params
from tests.conftest import World
from workflows.engine import machine_of_model
from workflows.errors import GuardFailed
from workflows.machine import registered_labels


def stateful_collections() -> dict[str, type]:
    """The API collection of every model that has a machine."""
    out = {}
    for prefix, viewset, _basename in router.registry:
        model = getattr(getattr(viewset, "serializer_class", None), "Meta", None)
        model = getattr(model, "model", None)
        if model is not None and model._meta.label in registered_labels():
            out[prefix] = model
    return out


def steps() -> list[tuple[str, type, str]]:
    return [
        (prefix, model, name)
        for prefix, model in stateful_collections().items()
        for name, step in machine_of_model(model).steps.items()
        if not step.internal
    ]


def test_every_machine_has_its_collection() -> None:
    assert sorted(m._meta.label for m in stateful_collections().values()) == sorted(
        registered_labels()
    )


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        answer = APIClient().get("/api/schema/", {"format": "json"})
    assert answer.status_code == 200
    return answer.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize(("prefix", "model", "name"), steps())
def test_the_schema_describes_what_the_step_declares(
    schema: dict[str, Any], prefix: str, model: type, name: str
) -> None:
    declared = machine_of_model(model).steps[name].params
    operation = schema["paths"][f"/api/v1/{prefix}/{{id}}/transitions/{name}/"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    keys = set(declared.keys) if declared else set()
    assert set(body["properties"]) == keys | {"comment"}
    assert body["additionalProperties"] is False
    required = {p.name for p in declared.params if p.must_send} if declared else set()
    assert set(body.get("required", [])) == required
    assert [p["name"] for p in operation["parameters"]] == ["id"]
    assert not any(path.endswith("/transitions/{name}/") for path in schema["paths"])


@pytest.mark.parametrize(("prefix", "model", "name"), steps())
def test_the_parser_takes_exactly_the_declared_names(prefix: str, model: type, name: str) -> None:
    declared = machine_of_model(model).steps[name].params
    if declared is None:
        return
    # Every declared name is taken (only the unknown one is refused), and nothing else.
    with pytest.raises(GuardFailed) as refused:
        declared.parse(None, {**dict.fromkeys(declared.keys), "onbekend": 1}, None)
    assert refused.value.reasons == ["Onbekende parameter: onbekend."]


def test_the_page_asks_for_exactly_the_declared_parameters(world: World, decided: Any) -> None:
    """Each transition form of the pages has a field per declared parameter, with the
    declaration's label, limits and choices, and reads them back as the parser does."""
    item = world.prepared_item(title="Te plannen")
    objects = [item, decided.item, decided.meeting, decided.action, decided.ratification]
    seen = set()
    for obj in objects:
        for name, step in machine_of_model(type(obj)).steps.items():
            if step.internal:
                continue
            form = TransitionForm(kind_of(obj), obj, name, {}, [], actor=world.coordinator)
            declared = step.params
            # A confirmation is asked only when it applies (opening on another day).
            params = [p for p in declared.params if p.asked(obj)] if declared else []
            assert [f.name for f in form.fields] == [p.name for p in params], name
            for field, param in zip(form.fields, params, strict=True):
                assert field.label == param.describe(obj)
                assert field.widget == param.widget
                assert field.required == (param.required is not None)
                assert field.max_length == getattr(param, "max_length", None)
            post = {p.name: "" for p in params}
            assert set(raw_params(obj, name, post, world.coordinator)) <= set(
                declared.keys if declared else ()
            )
            seen.add((type(obj).__name__, name))
    assert ("AgendaItem", "schedule") in seen and ("Ratification", "ratify") in seen
