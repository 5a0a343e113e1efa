"""OpenAPI: every operation documents the error answers it can give."""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import serializers


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
    "503": "The database is busy; try again.",
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
