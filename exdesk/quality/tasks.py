"""Quality's background work. Thin wrappers: the task queue retries them."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(retries=3, retry_delay=30)
def review_solved(conversation_id: int) -> None:
    from .services import review_conversation

    review_conversation(conversation_id)


@db_periodic_task(crontab(minute="*/10"))
def review_missed_conversations() -> None:
    from .services import review_missed

    review_missed()
