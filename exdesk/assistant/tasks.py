import logging

from huey.contrib.djhuey import db_task, on_startup

log = logging.getLogger(__name__)


@on_startup()
def warm_up() -> None:
    """Load (or train) the intent model and the language detector when the worker starts,
    not on the first customer message: a burst of new chats should not wait for it."""
    from django.db import DatabaseError, close_old_connections

    from . import reading, services

    try:
        model = services.live_model.get()
        if model is not None:
            # The first prediction loads the sentence model (and builds its int8 copy
            # once per installation) and jieba's dictionary.
            model.predict("warm up the models")
        reading.detect_language("warm up the detector", "en")
    except DatabaseError:
        log.warning("assistant warm-up skipped: the database is not ready")
    finally:
        close_old_connections()


@db_task(retries=3, retry_delay=5)
def triage_message(event_id: int) -> None:
    from . import services

    services.triage_event(event_id)


@db_task(retries=1, retry_delay=30)
def retrain_model(user_id: int | None) -> None:
    from exdesk.accounts.models import User

    from . import services

    actor = User.objects.filter(pk=user_id).first() if user_id is not None else None
    services.retrain(actor=actor)
