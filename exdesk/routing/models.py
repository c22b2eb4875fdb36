from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PresenceStatus(models.TextChoices):
    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class AgentPresence(models.Model):
    """What the agent chose. They count as online only while a console socket is live."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="presence"
    )
    status = models.CharField(
        _("presence"), max_length=10, choices=PresenceStatus.choices, default=PresenceStatus.OFFLINE
    )
    changed_at = models.DateTimeField(auto_now=True)
    # Since when the agent has had nothing new: routing prefers the longest idle.
    idle_since = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.status}"


class ConsoleConnection(models.Model):
    """One open console socket. Removed when it closes; one whose process died stops
    counting once it has not refreshed ``seen_at`` for a while."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="console_connections"
    )
    channel_name = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.user} via {self.channel_name}"


class RoutingPin(models.Model):
    """A supervisor's decision that one conversation goes to one agent or one team;
    routing follows it and waits for that agent rather than giving it to another."""

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="routing_pin"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("agent"),
    )
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("team"),
    )
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"#{self.conversation_id} → {self.agent or self.team}"
