"""Shared fixtures. Under CI=true a missing service fails instead of skipping."""

import pytest


def pytest_sessionstart(session):
    """Train the default intent model once, before test processes and test servers
    start: they all find it in the shared model cache instead of each training it."""
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controller did it
    from exdesk.assistant import services

    services.trained_from(services.default_training_rows())


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Each test stores uploads in its own folder, so file assertions are exact."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture(autouse=True)
def _default_language():
    """A request that switched language must not leak it into the next test."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
