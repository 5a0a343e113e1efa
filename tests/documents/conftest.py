"""Documents are written under a fresh MEDIA_ROOT per test, never into var/; the API tests
use the signed-in clients of tests/api."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.demo.signatures import demo_certificates
from backend.documents.models import GeneratedDocument
from backend.meetings.models import Meeting
from tests.api.conftest import api  # noqa: F401  (the fixture, shared)
from tests.conftest import World
from tests.documents.signed import with_pdf
from tests.documents.test_services import closed


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def certificates(settings, tmp_path: Path) -> Path:
    """Signing certificates (and their authority) in a folder of the test's own."""
    settings.SIGNING_CERTIFICATES_DIR = tmp_path / "people"
    settings.SIGNING_TRUST_ROOTS = [str(tmp_path / "ca.pem")]
    settings.SIGNING_SEAL = ""
    return tmp_path


@pytest.fixture
def ready(world: World, certificates: Path) -> tuple[Meeting, GeneratedDocument]:
    """A closed meeting whose decision list has its PDF; everyone has a certificate."""
    meeting, _decided, _noted = closed(world)
    demo_certificates(world.region.people.all())
    decision_list = GeneratedDocument.objects.get(meeting=meeting, kind="decision_list")
    return meeting, with_pdf(decision_list)
