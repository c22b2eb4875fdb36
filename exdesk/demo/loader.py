"""Loads a believable exchange support desk. Idempotent: a second run changes nothing."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.db import models, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from exdesk.academy.demo import seed_demo_training
from exdesk.accounts.choices import Role
from exdesk.accounts.models import ApiToken, Skill, Team, User
from exdesk.accounts.permissions import sees_all_conversations
from exdesk.community.demo import seed_demo_forum
from exdesk.conversations import services
from exdesk.conversations.models import Category, Conversation, Event
from exdesk.customers.models import Customer
from exdesk.education.demo import seed_demo_education
from exdesk.helpcenter import starter
from exdesk.messaging.demo import seed_demo_channels as seed_demo_messages
from exdesk.trust.demo import seed_demo_channels

from . import content

DEMO_PASSWORD = "exdesk-demo-2026"
DEMO_API_TOKEN = "exd_demo_integration_token_do_not_use_in_production"

# slug, name, the escalations it receives
TEAMS = [
    ("general", "General", ""),
    ("deposits-withdrawals", "Deposits & Withdrawals", ""),
    ("security", "Security", "security"),
    ("compliance", "Compliance", "compliance"),
    ("vip", "VIP", ""),
    ("technical", "Technical", "technical"),
    ("risk", "Risk", "risk"),
]
SKILLS = [
    ("kyc", "KYC"),
    ("deposits", "Deposits"),
    ("withdrawals", "Withdrawals"),
    ("futures", "Futures"),
    ("p2p", "P2P"),
    ("security", "Account security"),
    ("api", "API"),
]
# slug, English name, Chinese name, team, default priority
CATEGORIES = [
    ("account-kyc", "Account & identity verification", "账户与身份认证", "general", "p2"),
    ("security", "Account security", "账户安全", "security", "p1"),
    ("deposit", "Deposits", "充值", "deposits-withdrawals", "p2"),
    ("withdrawal", "Withdrawals", "提现", "deposits-withdrawals", "p2"),
    ("trading", "Spot trading", "现货交易", "general", "p2"),
    ("futures", "Futures & margin", "合约与杠杆", "general", "p2"),
    ("p2p", "P2P trading", "P2P 交易", "general", "p1"),
    ("fees", "Fees", "手续费", "general", "p3"),
    ("api", "API", "API", "general", "p3"),
    ("other", "Something else", "其他问题", "general", "p3"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    teams: tuple[str, ...]
    languages: tuple[str, ...]
    skills: tuple[str, ...] = ()


STAFF = [
    DemoUser("admin", "Ada", "Admin", Role.ADMIN, (), ("en", "zh-hans")),
    DemoUser("sup.mei", "Mei", "Lin", Role.SUPERVISOR, ("general",), ("en", "zh-hans")),
    DemoUser("alice", "Alice", "Moreau", Role.AGENT, ("general",), ("en",), ("kyc", "futures")),
    DemoUser(
        "bob",
        "Bob",
        "Okafor",
        Role.AGENT,
        ("deposits-withdrawals", "general"),
        ("en", "zh-hans"),
        ("deposits", "withdrawals"),
    ),
    DemoUser(
        "li.na",
        "Na",
        "Li",
        Role.AGENT,
        ("deposits-withdrawals", "general"),
        ("zh-hans",),
        ("deposits", "withdrawals", "p2p"),
    ),
    DemoUser(
        "chen.wei",
        "Wei",
        "Chen",
        Role.SENIOR_AGENT,
        ("security", "deposits-withdrawals", "risk"),
        ("zh-hans", "en"),
        ("security", "withdrawals"),
    ),
    DemoUser(
        "omar",
        "Omar",
        "Haddad",
        Role.AGENT,
        ("vip", "general", "technical"),
        ("en",),
        ("futures", "api"),
    ),
    DemoUser("qa.sara", "Sara", "Nilsson", Role.QA_REVIEWER, (), ("en", "zh-hans")),
    DemoUser("trainer.tom", "Tom", "Becker", Role.TRAINER, ("general",), ("en",)),
    DemoUser("comp.zhang", "Yun", "Zhang", Role.COMPLIANCE, ("compliance",), ("zh-hans", "en")),
]


def demo_totp_key(username: str) -> str:
    """A fixed secret per demo account, so the printed codes survive a reload."""
    return hashlib.sha1(f"exdesk-demo-totp:{username}".encode(), usedforsecurity=False).hexdigest()


def totp_base32(hex_key: str) -> str:
    return base64.b32encode(bytes.fromhex(hex_key)).decode().rstrip("=")


@transaction.atomic
def load_demo() -> dict:
    teams = {
        slug: Team.objects.update_or_create(
            slug=slug, defaults={"name": name, "escalation_kind": kind}
        )[0]
        for slug, name, kind in TEAMS
    }
    skills = {
        slug: Skill.objects.update_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in SKILLS
    }
    categories = {}
    for position, (slug, name_en, name_zh, team, priority) in enumerate(CATEGORIES):
        categories[slug] = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name_en": name_en,
                "name_zh_hans": name_zh,
                "team": teams[team],
                "default_priority": priority,
                "position": position,
            },
        )[0]
    staff = {person.username: _staff_member(person, teams, skills) for person in STAFF}
    if not ApiToken.objects.filter(key_hash=ApiToken.hash_key(DEMO_API_TOKEN)).exists():
        ApiToken.issue(staff["admin"], "demo integration", key=DEMO_API_TOKEN)

    customers = {}
    for row in content.CUSTOMERS:
        customers[row["uid"]] = Customer.objects.update_or_create(
            uid=row["uid"],
            defaults={
                "display_name": row["name"],
                "email": row["email"],
                "language": row["language"],
                "vip_tier": row["vip_tier"],
                "kyc_level": row["kyc_level"],
            },
        )[0]
    created = 0
    if not Conversation.objects.filter(customer__uid__in=list(customers)).exists():
        now = timezone.now()
        for row in content.CONVERSATIONS:
            _conversation(row, customers, categories, teams, staff, now)
            created += 1
    starter.load()  # the help center's starter articles, glossary and synonyms
    seed_demo_channels(staff["admin"])  # the official-channel registry (exdesk/trust/demo.py)
    seed_demo_messages()  # mail, a held message and a Telegram chat (exdesk/messaging/demo.py)
    seed_demo_training(staff)  # curriculum, certificates, a path (exdesk/academy/demo.py)
    seed_demo_forum(staff["sup.mei"])  # categories and questions (exdesk/community/demo.py)
    seed_demo_education(staff["admin"])  # series, a campaign, webinars (exdesk/education/demo.py)
    from exdesk.analytics.rollup import sweep

    sweep()  # the dashboards' facts, so Analytics has figures from the first page view
    return {"staff": staff, "conversations_created": created}


def _staff_member(person: DemoUser, teams, skills) -> User:
    user, created = User.objects.update_or_create(
        username=person.username,
        defaults={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": f"{person.username}@exdesk.invalid",
            "role": person.role,
            "languages": list(person.languages),
            "is_staff": person.role == Role.ADMIN,
            "is_superuser": person.role == Role.ADMIN,
            "is_active": True,
        },
    )
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.teams.set([teams[slug] for slug in person.teams])
    user.skills.set([skills[slug] for slug in person.skills])
    TOTPDevice.objects.update_or_create(
        user=user,
        name="demo authenticator",
        defaults={"key": demo_totp_key(person.username), "confirmed": True},
    )
    return user


def _conversation(row, customers, categories, teams, staff, now) -> None:
    customer = customers[row["customer"]]
    category = categories[row["category"]]
    conversation = services.do_create_conversation(
        customer=customer,
        subject=row["subject"],
        body=row["messages"][0][1],
        channel=row["channel"],
        language=row["language"],
        category=category,
        priority=row["priority"],
        fields=row.get("fields") or {},
        tags=row.get("tags") or [],
        notify_customer=False,
    )
    supervisor = staff["sup.mei"]
    if customer.vip_tier >= 3:
        services.do_change_team(conversation, supervisor, teams["vip"])
    assignee = staff.get(row["assignee"]) if row.get("assignee") else None
    if assignee is not None:
        if not _can_hold(assignee, conversation):
            services.do_change_team(conversation, supervisor, assignee.teams.first())
        services.do_assign(conversation, supervisor, assignee)
    author = assignee or supervisor
    for kind, text in row["messages"][1:]:
        conversation.refresh_from_db()
        if kind == "customer":
            services.do_add_customer_message(conversation, text)
        elif kind == "agent":
            services.do_reply(conversation, author, text, notify_customer=False)
        else:
            services.do_add_note(conversation, author, text)
    conversation.refresh_from_db()
    if row["status"] != conversation.status:
        services.do_change_status(conversation, author, row["status"])
    _backdate(conversation, now - timedelta(hours=row["age_hours"]), now)


def _can_hold(user: User, conversation: Conversation) -> bool:
    return sees_all_conversations(user) or user.teams.filter(pk=conversation.team_id).exists()


def _backdate(conversation: Conversation, start, now) -> None:
    """Spread the demo timeline from ``start`` to shortly before now.

    Events are append-only through the ORM's normal manager; only this loader rewrites
    their times, with a plain queryset, because the demo needs a past.
    """
    events = list(Event.objects.filter(conversation=conversation).order_by("id"))
    span = (now - start) * 0.8
    step = span / max(1, len(events))
    plain_events = models.QuerySet(Event)
    first_reply = None
    solved = None
    for index, event in enumerate(events):
        at = start + step * index
        plain_events.filter(pk=event.pk).update(created_at=at)
        if event.kind == "agent_reply" and first_reply is None:
            first_reply = at
        if event.kind == "status_change" and event.data.get("to") == "solved":
            solved = at
    Conversation.objects.filter(pk=conversation.pk).update(
        created_at=start,
        updated_at=start + step * max(0, len(events) - 1),
        first_response_at=first_reply,
        solved_at=solved if conversation.solved_at else None,
    )
