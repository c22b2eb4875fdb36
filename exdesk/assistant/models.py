from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from exdesk.accounts.choices import Language
from exdesk.conversations.choices import Priority


class Handling(models.TextChoices):
    BOT = "bot", _("The bot may answer from the knowledge base")
    HUMAN = "human", _("A person answers")
    SECURITY = "security", _("Security: a person, at once, with the safety warning")
    COMPLIANCE = "compliance", _("Compliance: a compliance officer, approved templates only")


# Intents the bot never answers itself.
HUMAN_ONLY = {Handling.HUMAN, Handling.SECURITY, Handling.COMPLIANCE}


class Intent(models.Model):
    """What a customer wants. The taxonomy is the exchange's own: edited in the console,
    seeded from assistant/intents/taxonomy.toml."""

    slug = models.SlugField(max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=120)
    about = models.TextField(_("what it covers"), blank=True)
    category_slug = models.SlugField(_("conversation category"), max_length=60, blank=True)
    team_slug = models.SlugField(_("team"), max_length=60, blank=True)
    skill_slug = models.SlugField(_("skill"), max_length=60, blank=True)
    priority = models.CharField(
        _("priority"), max_length=2, choices=Priority.choices, default=Priority.P2
    )
    handling = models.CharField(
        _("handling"), max_length=12, choices=Handling.choices, default=Handling.BOT
    )
    article_keys = models.JSONField(_("answering articles"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("intent")
        verbose_name_plural = _("intents")

    def __str__(self) -> str:
        return self.slug

    def name(self, language: str) -> str:
        return self.name_zh_hans if language.lower().startswith("zh") else self.name_en


class IntentExample(models.Model):
    intent = models.ForeignKey(Intent, on_delete=models.CASCADE, related_name="examples")
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    text = models.CharField(_("example"), max_length=500)
    # Held-out examples never train the model: they measure it (docs/assistant.md).
    held_out = models.BooleanField(_("held out for measuring"), default=False)

    class Meta:
        ordering = ["intent", "language", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["intent", "language", "text"], name="one_example_once")
        ]

    def __str__(self) -> str:
        return self.text


class IntentModel(models.Model):
    """A trained classifier. The newest one is live."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    artifact = models.BinaryField()
    metrics = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"intent model {self.pk} ({self.created_at:%Y-%m-%d %H:%M})"


class CannedResponse(models.Model):
    """An approved reply an agent inserts with one click."""

    intent = models.ForeignKey(
        Intent, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    # Compliance cases are answered with these only (no tipping-off).
    compliance_approved = models.BooleanField(_("approved for compliance cases"), default=False)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["intent__position", "language", "title"]
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")

    def __str__(self) -> str:
        return self.title


class GuardDirection(models.TextChoices):
    CUSTOMER = "customer", _("Customer shared a secret")
    AGENT = "agent", _("Agent asked for a secret")


class GuardRecord(models.Model):
    """The guard acted: a secret masked in a customer message, or an agent reply that
    asked for one and was blocked. For security follow-up and QA; never the secret."""

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="guard_records"
    )
    direction = models.CharField(max_length=10, choices=GuardDirection.choices)
    kinds = models.JSONField(default=list)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # The blocked sentence of an agent's draft (it asks for a secret; it holds none).
    excerpt = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.direction} {self.kinds} on {self.conversation_id}"
