"""Settings of the benchmark server: the product's, with the bench URLconf (the product's
URLs plus the bare views under /bare/), served over plain HTTP on loopback."""

from backend.config.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "tests.bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
