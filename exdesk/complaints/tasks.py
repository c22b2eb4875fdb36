from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/15"))
def escalate_overdue_complaints() -> int:
    from .services import check_deadlines

    return check_deadlines()
