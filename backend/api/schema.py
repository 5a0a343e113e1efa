"""OpenAPI: every operation documents the error answers it can give."""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import serializers

from backend.transitions.labels import transition_label
from workflows.declared import Declared
from workflows.engine import machine_of_model


class ErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """An error answer: why, in the reader's language."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    reasons = serializers.ListField(child=serializers.CharField(), required=False)


ERRORS = {
    "400": "Invalid input or a guard failed (see reasons).",
    "401": "Not signed in.",
    "403": "Not permitted.",
    "404": "Not found, or not visible to you.",
    "409": "Not possible in the current state, or changed by someone else meanwhile.",
    "429": "Too many requests.",
    "503": "The database is busy, or the file store does not answer; try again.",
}


class AutoSchema(openapi.AutoSchema):
    """Add the shared error answers to every operation."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code, description in ERRORS.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses


class ExpiringTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """`Authorization: Token <token>`, from `POST /api/v1/auth/token/`."""

    target_class = "backend.api.authentication.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(  # type: ignore[no-any-return]
            header_name="Authorization", token_prefix="Token"
        )


TRANSITIONS_PATH = "/transitions/{name}/"


def transitions_per_operation(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Describe `POST …/{id}/transitions/<name>/` as one operation per transition, each
    with the request body its step declares (`workflows.declared`), instead of one
    operation whose `name` and body say nothing."""
    # The endpoints name the key {pk}; the document, after its own hooks, {id}.
    models = {
        path.replace("{pk}", "{id}"): callback.cls.serializer_class.Meta.model
        for path, _regex, _method, callback in generator.endpoints or []
        if path.endswith(TRANSITIONS_PATH)
    }
    paths = result["paths"]
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for path in [p for p in paths if p.endswith(TRANSITIONS_PATH)]:
        generic = paths.pop(path)["post"]
        model = models[path]
        for name, step in machine_of_model(model).steps.items():
            if step.internal:
                continue
            component = f"{model.__name__}{name.title().replace('_', '')}Transition"
            body = (step.params or Declared()).schema()
            schemas[component] = {**body, "additionalProperties": False}
            method = getattr(model, name)
            operation = {
                **generic,
                "operationId": f"{generic['operationId'].removesuffix('_create')}_{name}",
                "summary": f"{name}: {transition_label(name)}",
                "description": (method.__doc__ or "").strip(),
                "parameters": [p for p in generic["parameters"] if p.get("name") != "name"],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{component}"}
                        }
                    },
                },
            }
            paths[path.replace("{name}", name)] = {"post": operation}
    return result
