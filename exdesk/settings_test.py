"""Settings for the test suite: the real stack, with fast hashing and inline tasks."""

import os
import tempfile

os.environ.setdefault("EXDESK_DEBUG", "0")
os.environ.setdefault("EXDESK_SECRET_KEY", "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("EXDESK_DATA_DIR", tempfile.mkdtemp(prefix="exdesk-test-"))
# Every test process and test server shares one build of the sentence model's int8 copy.
os.environ.setdefault(
    "EXDESK_MODEL_CACHE_DIR", os.path.join(tempfile.gettempdir(), "exdesk-test-models")
)

from exdesk.settings import *  # noqa: F403
from exdesk.settings import CACHES, HUEY

if "KEY_PREFIX" in CACHES["default"]:
    # pytest-xdist workers share one Redis database: each its own keys, so one worker's
    # cache.clear() cannot reset another's counters (a rate-limit test failed so).
    CACHES["default"]["KEY_PREFIX"] += "-" + os.environ.get("PYTEST_XDIST_WORKER", "main")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run inline so a test sees their effect; the task code is the production code.
HUEY = {**HUEY, "immediate": True}
ALLOWED_HOSTS = ["*"]
# Tests post many forms from one address; the limit itself has its own test.
PUBLIC_POSTS_PER_HOUR = 100_000
TRUST_CHECKS_PER_HOUR = 100_000

if DATABASES["default"]["ENGINE"] == "exdesk.core.sqlite":  # noqa: F405
    # An in-memory test database (per xdist worker), as for Django's own SQLite backend.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405
# The bot's messages would change every chat test's timeline: its own tests turn it on.
ASSISTANT_BOT_ENABLED = False
# Likewise routing would assign every test's conversations: its own tests turn it on.
ROUTING_ENABLED = False
