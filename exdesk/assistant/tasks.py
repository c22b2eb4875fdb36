from huey.contrib.djhuey import db_task


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
