"""Find the stored files that no row points at, through the storage API alone, so the same
sweep serves a folder on disk and a bucket of an object store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.apps import apps
from django.core.files.storage import Storage
from django.db import models


def referenced_names() -> set[str]:
    """Return every name a file field of any model points at."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names.update(
                    model._base_manager.exclude(**{field.attname: ""}).values_list(
                        field.attname, flat=True
                    )
                )
    return names


def stored_names(storage: Storage, folder: str) -> Iterator[str]:
    """Yield the name of every file under a folder of the storage, at any depth (a folder
    that does not exist holds none; an object store has no folders, only names)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for inner in folders:
        yield from stored_names(storage, f"{folder}/{inner}")


def orphans(storage: Storage, folders: Iterable[str], *, written_before: dt.datetime) -> list[str]:
    """Return, sorted, the files under the folders that no row points at and that were
    written before the given moment (a younger one may belong to a row not yet committed)."""
    known = referenced_names()
    found = []
    for folder in folders:
        for name in stored_names(storage, folder):
            if name in known:
                continue
            try:
                if storage.get_modified_time(name) > written_before:
                    continue
            except FileNotFoundError:
                continue  # removed meanwhile
            found.append(name)
    return sorted(found)
