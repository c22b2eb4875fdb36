from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("E-mail")
    SOCIAL = "social", _("Social")
    TELEGRAM = "telegram", "Telegram"
    PHONE = "phone", _("Phone")
    API = "api", _("API")


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


# Conversations held through a messaging platform: replies are relayed to it, and the
# bot takes its turn as in a chat.
PLATFORM_CHANNELS = {Channel.TELEGRAM, Channel.SOCIAL}
BOT_CHANNELS = {Channel.CHAT, *PLATFORM_CHANNELS}

# Statuses in which a customer's message reopens the case.
REOPENED_BY_CUSTOMER = {Status.PENDING, Status.SOLVED}
ACTIVE_STATUSES = {Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD}


class Priority(models.TextChoices):
    P0 = "p0", _("P0 urgent (security)")
    P1 = "p1", _("P1 high")
    P2 = "p2", _("P2 normal")
    P3 = "p3", _("P3 low")


class EventKind(models.TextChoices):
    CUSTOMER_MESSAGE = "customer_message", _("Customer message")
    AGENT_REPLY = "agent_reply", _("Agent reply")
    INTERNAL_NOTE = "internal_note", _("Internal note")
    STATUS_CHANGE = "status_change", _("Status changed")
    PRIORITY_CHANGE = "priority_change", _("Priority changed")
    ASSIGNMENT_CHANGE = "assignment_change", _("Assignment changed")
    TEAM_CHANGE = "team_change", _("Team changed")
    TAG_CHANGE = "tag_change", _("Tags changed")
    CHANNEL_CHANGE = "channel_change", _("Channel changed")
    RATING = "rating", _("Rated")
    SLA_BREACH = "sla_breach", _("SLA target missed")
    ESCALATION = "escalation", _("Escalated")
    ESCALATION_BACK = "escalation_back", _("Handed back")
    ACCOUNT_ACTION = "account_action", _("Exchange account")
    CALL = "call", _("Phone call")
    SURVEY = "survey", _("Satisfaction survey sent")
    INCIDENT_UPDATE = "incident_update", _("Incident update sent")


MESSAGE_KINDS = {EventKind.CUSTOMER_MESSAGE, EventKind.AGENT_REPLY, EventKind.INTERNAL_NOTE}
# What the customer's tracking page shows.
PUBLIC_KINDS = {EventKind.CUSTOMER_MESSAGE, EventKind.AGENT_REPLY}
