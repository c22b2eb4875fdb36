from django.db import models
from django.utils.translation import gettext_lazy as _


class CallDirection(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND_API = "outbound-api", _("Outbound")
    OUTBOUND_DIAL = "outbound-dial", _("Outbound (dialled)")


class CallStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RINGING = "ringing", _("Ringing")
    IN_PROGRESS = "in-progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    BUSY = "busy", _("Busy")
    NO_ANSWER = "no-answer", _("No answer")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Cancelled")


FINAL_STATUSES = {
    CallStatus.COMPLETED,
    CallStatus.BUSY,
    CallStatus.NO_ANSWER,
    CallStatus.FAILED,
    CallStatus.CANCELED,
}
# Providers do not promise the order of their callbacks: a status only ever moves forward
# along this order (a late "ringing" never undoes "in-progress", nothing undoes a final one).
STATUS_RANK = {
    CallStatus.QUEUED: 0,
    CallStatus.RINGING: 1,
    CallStatus.IN_PROGRESS: 2,
    **dict.fromkeys(FINAL_STATUSES, 3),
}


class CallbackState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    DONE = "done", _("Done")
    NO_ANSWER = "no_answer", _("No answer")
    CANCELLED = "cancelled", _("Cancelled")


# Still to do: not called yet, or called without reaching the customer (try again).
OPEN_CALLBACK_STATES = (CallbackState.REQUESTED, CallbackState.NO_ANSWER)
# What an agent may log; done and cancelled leave nothing to do, so they solve the case.
OUTCOME_STATES = (CallbackState.DONE, CallbackState.NO_ANSWER, CallbackState.CANCELLED)
SOLVING_STATES = (CallbackState.DONE, CallbackState.CANCELLED)
