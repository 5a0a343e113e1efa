"""django-storages' S3 storage as the product uses it: a file is read from the store while it
is sent, never held whole in memory; a store that does not answer raises StoreUnavailable;
a file never gets an address in the store (the application serves every byte)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import File
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from backend.files.errors import StoreUnavailable

logger = logging.getLogger(__name__)


def _status(error: ClientError) -> int | None:
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status if isinstance(status, int) else None


@contextmanager
def store_errors(name: str) -> Iterator[None]:
    """Turn the client library's failures into FileNotFoundError (no such object) or
    StoreUnavailable (anything else: refused, timed out, an error of the store itself)."""
    try:
        yield
    except ClientError as error:
        if _status(error) == 404:
            raise FileNotFoundError(f"No such object in the store: {name}") from error
        logger.warning("The object store refused %s: %s", name, error)
        raise StoreUnavailable(str(error)) from error
    except (BotoCoreError, Boto3Error) as error:
        logger.warning("The object store did not answer for %s: %s", name, error)
        raise StoreUnavailable(str(error)) from error


class StreamedObject(File):
    """An object of the store, read as its bytes arrive; not seekable."""

    def __init__(self, storage: ObjectStorage, name: str) -> None:
        self._storage = storage
        self._body: Any = self._fetch(name)
        super().__init__(self._body, name)
        self.mode = "rb"

    def _fetch(self, name: str) -> Any:
        key = self._storage._normalize_name(clean_name(name))
        with store_errors(name):
            answer = self._storage.bucket.Object(key).get()
        self.size = int(answer["ContentLength"])
        return answer["Body"]

    def read(self, size: int | None = -1) -> bytes:
        with store_errors(self.name or ""):
            data: bytes = self._body.read(None if size is None or size < 0 else size)
        return data

    def seekable(self) -> bool:
        return False

    def open(self, mode: str | None = None, *args: Any, **kwargs: Any) -> StreamedObject:
        """Read the object again from its start (a stream cannot seek back)."""
        self._body.close()
        self.file = self._body = self._fetch(self.name or "")
        return self


class ObjectStorage(S3Storage):  # type: ignore[misc]
    """The object store (configured by django-storages' AWS_* settings)."""

    def _open(self, name: str, mode: str = "rb") -> File:
        if mode != "rb":
            with store_errors(name):
                return super()._open(name, mode)  # type: ignore[no-any-return]
        return StreamedObject(self, name)

    def _save(self, name: str, content: Any) -> str:
        with store_errors(name):
            return super()._save(name, content)  # type: ignore[no-any-return]

    def delete(self, name: str) -> None:
        with store_errors(name):
            super().delete(name)

    def exists(self, name: str) -> bool:
        with store_errors(name):
            return super().exists(name)  # type: ignore[no-any-return]

    def listdir(self, name: str) -> tuple[list[str], list[str]]:
        with store_errors(name):
            return super().listdir(name)  # type: ignore[no-any-return]

    def size(self, name: str) -> int:
        with store_errors(name):
            return super().size(name)  # type: ignore[no-any-return]

    def get_modified_time(self, name: str) -> datetime:
        with store_errors(name):
            return super().get_modified_time(name)  # type: ignore[no-any-return]

    def url(self, name: str, *args: Any, **kwargs: Any) -> str:
        """Refuse: a file leaves through the application's own checked downloads, never by
        an address in the store."""
        raise NotImplementedError("Stored files are served by the application only.")
