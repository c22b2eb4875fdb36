from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import EscalationKind, Role


class Team(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(unique=True)
    # The team that receives escalations of this kind (at most one team per kind).
    escalation_kind = models.CharField(
        _("receives escalations"),
        max_length=12,
        choices=EscalationKind.choices,
        blank=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(
                fields=["escalation_kind"],
                condition=~models.Q(escalation_kind=""),
                name="one_team_per_escalation_kind",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff member. Customers are not users; they live in ``customers``."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    teams = models.ManyToManyField(
        Team, blank=True, related_name="members", verbose_name=_("teams")
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="agents", verbose_name=_("skills")
    )
    # Languages the agent answers in, e.g. ["en", "zh-hans"]; empty: any.
    languages = models.JSONField(_("languages"), default=list, blank=True)
    # How much routing hands this person at once (conversations new or open).
    max_chats = models.PositiveSmallIntegerField(_("concurrent chats"), default=3)
    max_tickets = models.PositiveSmallIntegerField(_("open tickets"), default=20)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)


class LoginFailure(models.Model):
    """One failed sign-in step; recent rows decide the brute-force lockout."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    stage = models.CharField(max_length=10)  # "password" or "otp"
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} failed {self.stage} at {self.created_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """An integration token. Only its SHA-256 is stored; the token is shown once."""

    name = models.CharField(_("name"), max_length=80)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str, key: str | None = None) -> tuple[ApiToken, str]:
        key = key or "exd_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=cls.hash_key(key), prefix=key[:8])
        return token, key
