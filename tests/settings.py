"""The product's settings with what the test run needs and nothing else."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-with-enough-length-to-be-valid")

from backend.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def sqlite_test_database() -> str:
    """Return the SQLite test database file of the process asking now.

    A file, not memory: the concurrency tests run real threads against it. One file per
    process, so two runs side by side never share (and corrupt) a database. Asked when
    the test database is created (tests/conftest.py), not only here: a process forked
    after this module was imported (a mutation-testing worker) gets a file of its own.
    """
    return str(VAR_DIR / f"test-midwest-{os.getpid()}.sqlite3")  # noqa: F405


if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": sqlite_test_database()}  # noqa: F405

# Tests render pages without running collectstatic first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Tests call the reminder machinery themselves; a transition does not queue a run.
REMINDERS_WAKE_ON_TRANSITION = False
# Generated documents of a test run go to a folder of their own, never into var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="midwest-test-media-"))  # noqa: F405
# The test client and the live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
# Documents are converted to PDF only by the tests that ask for it (a conversion takes
# seconds); signing certificates of a test run live in a folder of their own.
DOCUMENTS_PDF = False
SIGNING_CERTIFICATES_DIR = Path(tempfile.mkdtemp(prefix="midwest-test-signing-"))  # noqa: F405
SIGNING_TRUST_ROOTS = [str(SIGNING_CERTIFICATES_DIR / "ca.pem")]
