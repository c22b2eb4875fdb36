from huey.contrib.djhuey import db_task


@db_task(retries=3, retry_delay=5)
def triage_message(event_id: int) -> None:
    from . import services

    services.triage_event(event_id)
