"""Django's JSON serializer, made exact for backups.

Two differences from `dumpdata`'s output: date-times and times keep their microseconds
(DjangoJSONEncoder cuts them to milliseconds), and content types and permissions are
written by their natural keys. Those two tables are built by `migrate` on every database,
with ids of their own; every other row keeps its primary key and points at others by key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import models

NATURAL_KEY_MODELS = frozenset({"contenttypes.contenttype", "auth.permission"})
"""The tables `migrate` fills on every database: referred to by natural key, not by id."""


class ExactJSONEncoder(DjangoJSONEncoder):
    """Encode date-times and times with their microseconds, everything else as Django does."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            if isinstance(o, dt.time) and o.utcoffset() is not None:
                raise ValueError("JSON can't represent timezone-aware times.")
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    """Write rows with their primary keys, exact date-times and natural keys only where
    the ids differ from one database to another (content types, permissions)."""

    def serialize(self, queryset: Iterable[models.Model], **options: Any) -> Any:
        options.setdefault("cls", ExactJSONEncoder)
        return super().serialize(queryset, **options)

    def _natural_for(self, field: models.Field[Any, Any]) -> None:
        related = field.related_model
        self.use_natural_foreign_keys = (
            related is not None
            and not isinstance(related, str)
            and related._meta.label_lower in NATURAL_KEY_MODELS
        )

    def handle_fk_field(self, obj: models.Model, field: models.ForeignKey[Any, Any]) -> None:
        self._natural_for(field)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj: models.Model, field: models.ManyToManyField[Any, Any]) -> None:
        self._natural_for(field)
        super().handle_m2m_field(obj, field)
