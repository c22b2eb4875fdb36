from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from exdesk.accounts.choices import EscalationKind


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


class RerouteMark(models.Model):
    """A breach rule sent this conversation back to routing: the agent who let it wait
    is offered it last, and its language and skill no longer narrow who may take it."""

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="reroute_mark"
    )
    avoid_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"#{self.conversation_id} re-routed"


class Escalation(models.Model):
    """A conversation handed to Security, Compliance/AML, Technical or Risk, and back."""

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="escalations"
    )
    kind = models.CharField(_("to"), max_length=12, choices=EscalationKind.choices)
    to_team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    from_team = models.ForeignKey(
        "accounts.Team", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200)
    note = models.TextField(_("hand-off note"))
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    handed_back_at = models.DateTimeField(null=True, blank=True)
    handed_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation"],
                condition=models.Q(handed_back_at__isnull=True),
                name="one_open_escalation",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.conversation_id} → {self.kind}"

    @property
    def is_open(self) -> bool:
        return self.handed_back_at is None
