"""The forum's rules: who may post what, votes, reports and moderation. Views, the
console and the demo loader all call these (docs/community.md)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from exdesk.accounts.permissions import answers_customers, moderates_community
from exdesk.core import ratelimit
from exdesk.trust import lookalike
from exdesk.trust import selectors as trust_registry

from . import screening
from .models import (
    ForumCategory,
    ForumTag,
    Member,
    ModerationAction,
    ModerationKind,
    Post,
    Report,
    ReportReason,
    Topic,
    Vote,
)

LANGUAGES = ("en", "zh-hans")
TITLE_MIN, TITLE_MAX = 8, 150
BODY_MAX = 5000
MAX_TAGS = 5
SIGN_IN_SALT = "exdesk.community.sign-in"
EMAIL_LINK_MAX_AGE = 30 * 60
# Names a scammer would take to pass for the exchange's own people.
_STAFF_WORDS = (
    *("support", "admin", "official", "moderator", "staff", "helpdesk", "customerservice"),
    *("客服", "官方", "管理员", "版主", "工作人员"),
)
_NAME = re.compile(r"^[\w .\-]{3,40}$")


@dataclass
class Published:
    """A stored post and what the poster must be told about it."""

    post: Post
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- members


def check_display_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not _NAME.match(name):
        raise ValidationError(
            {"display_name": _("Use 3 to 40 letters, digits, spaces, dots or hyphens.")}
        )
    if _poses_as_staff(name):
        raise ValidationError(
            {"display_name": _("Choose a name that does not look like the exchange's staff.")}
        )
    return name


def _poses_as_staff(name: str) -> bool:
    """Staff words or the exchange's own names, however spelt: "Suppоrt" with a Cyrillic
    о, "ＳＵＰＰＯＲＴ", "Sup port", "Supp0rt", "客 服", "DemoExchange Team", a host."""
    seen = _squash(lookalike.skeleton(name))
    words = {_squash(lookalike.skeleton(word)) for word in _STAFF_WORDS}
    words |= lookalike.brand_names(trust_registry.officials())
    return any(word in seen for word in words) or screening.looks_like_a_link(name)


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


def _free_name(wanted: str) -> str:
    base = wanted[:34]
    name = base
    while Member.objects.filter(display_name__iexact=name).exists():
        name = f"{base}-{secrets.token_hex(2)}"
    return name


def _new_member(*, display_name: str, language: str, **identity) -> Member:
    wanted = display_name or f"trader-{secrets.token_hex(3)}"
    try:
        wanted = check_display_name(wanted)
    except ValidationError:
        wanted = f"trader-{secrets.token_hex(3)}"
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Member.objects.create(
                    display_name=_free_name(wanted), language=language, **identity
                )
        except IntegrityError:
            existing = Member.objects.filter(**identity).first()
            if existing is not None:
                return existing  # a second tab signed in at the same moment
    raise ValidationError(_("Could not create your forum profile. Please try again."))


def exchange_signature(uid: str, timestamp: int, secret: str | None = None) -> str:
    """What the exchange's server signs to send a signed-in trader to the forum."""
    key = (secret if secret is not None else settings.CHAT_IDENTITY_SECRET).encode()
    return hmac.new(key, f"community:{uid}:{timestamp}".encode(), hashlib.sha256).hexdigest()


def sign_in_from_exchange(
    uid: str, timestamp: str, signature: str, *, name: str = "", language: str = "en"
) -> Member:
    """The member for a trader the exchange vouches for. The link expires after
    ``COMMUNITY_SIGN_IN_MAX_AGE`` seconds, so one copied from a history is useless."""
    uid, signature = (uid or "").strip(), (signature or "").strip().lower()
    timestamp = (timestamp or "").strip()
    stamp = int(timestamp) if re.fullmatch(r"[0-9]{1,12}", timestamp) else 0
    fresh = abs(time.time() - stamp) <= settings.COMMUNITY_SIGN_IN_MAX_AGE
    if (
        not settings.CHAT_IDENTITY_SECRET
        or not uid
        or len(uid) > 64
        or not fresh
        or not re.fullmatch(r"[0-9a-f]{64}", signature)
        or not hmac.compare_digest(exchange_signature(uid, stamp), signature)
    ):
        raise ValidationError(_("This sign-in link is not valid or has expired."))
    # Once: a link seen over a shoulder or in a proxy's log signs nobody else in.
    if not cache.add(
        f"community-exchange-link:{signature}", 1, 2 * settings.COMMUNITY_SIGN_IN_MAX_AGE
    ):
        raise ValidationError(_("This sign-in link was already used. Ask for a new one."))
    member = Member.objects.filter(exchange_uid=uid).first()
    return member or _new_member(display_name=name, language=language, exchange_uid=uid)


def email_sign_in_token(email: str) -> str:
    return signing.dumps({"e": email, "n": secrets.token_urlsafe(8)}, salt=SIGN_IN_SALT)


def request_email_sign_in(email: str, language: str) -> str:
    """Send a one-time sign-in link to ``email``; the address is proved by clicking it."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    from .tasks import send_sign_in_link

    transaction.on_commit(lambda: send_sign_in_link(email, language), robust=True)
    return email


def sign_in_with_email_token(token: str, *, language: str = "en") -> Member:
    try:
        data = signing.loads(token, salt=SIGN_IN_SALT, max_age=EMAIL_LINK_MAX_AGE)
        email, nonce = data["e"], data["n"]
    except (signing.BadSignature, KeyError, TypeError):
        raise ValidationError(_("This sign-in link is not valid or has expired.")) from None
    if not cache.add(f"community-sign-in:{nonce}", 1, EMAIL_LINK_MAX_AGE):
        raise ValidationError(_("This sign-in link was already used. Ask for a new one."))
    member = Member.objects.filter(email=email).first()
    # A generated name: the address's local part is often the person's real name.
    return member or _new_member(display_name="", language=language, email=email)


def rename(member: Member, display_name: str) -> Member:
    if is_banned(member):
        raise ValidationError(_("Your account is suspended from the forum."))
    name = check_display_name(display_name)
    if Member.objects.filter(display_name__iexact=name).exclude(pk=member.pk).exists():
        raise ValidationError({"display_name": _("Another member already uses this name.")})
    member.display_name = name
    member.save(update_fields=["display_name"])
    return member


def is_banned(member: Member, now=None) -> bool:
    return member.banned_until is not None and member.banned_until > (now or timezone.now())


def is_trusted(member: Member, now=None) -> bool:
    """Moderators trust by hand; otherwise enough visible posts over enough days."""
    if member.trusted_at is not None:
        return True
    now = now or timezone.now()
    if now - member.created_at < timedelta(days=settings.COMMUNITY_TRUST_DAYS):
        return False
    posts = Post.objects.filter(author=member, hidden=False, topic__hidden=False).count()
    if posts < settings.COMMUNITY_TRUST_POSTS:
        return False
    Member.objects.filter(pk=member.pk, trusted_at__isnull=True).update(trusted_at=now)
    member.trusted_at = now
    return True


# ---------------------------------------------------------------- posting


def _key(member: Member) -> str:
    """The member's rate-limit key: the row and its birth, so a reused id starts afresh."""
    return f"{member.pk}:{member.created_at.isoformat()}"


def _check_can_post(member: Member) -> bool:
    """Refuse a banned or too-fast member; whether they are trusted with links."""
    if is_banned(member):
        raise ValidationError(_("You cannot post: your account is suspended from the forum."))
    trusted = is_trusted(member)
    limit = (
        settings.COMMUNITY_POSTS_PER_HOUR
        if trusted
        else settings.COMMUNITY_NEW_MEMBER_POSTS_PER_HOUR
    )
    if not ratelimit.allow(f"community-post:{_key(member)}", limit, 3600):
        raise ValidationError(_("You are posting too fast. Please wait a while and try again."))
    return trusted


def _screened(trusted: bool, text: str, language: str, field_name: str, officials=None):
    result = screening.screen(text, language, officials)
    if result.outside_links and not trusted:
        raise ValidationError(
            {
                field_name: _(
                    "New members cannot post links yet (found: %(link)s). Describe the page "
                    "instead; links open up after a few posts."
                )
                % {"link": result.outside_links[0][:80]}
            }
        )
    return result


def _warnings(*results: screening.Screened) -> list[str]:
    warnings = []
    if any(r.secrets for r in results):
        warnings.append(
            _(
                "We hid what looked like a password, code, seed phrase or private key. Never "
                "share these: the exchange's staff will never ask for them. If it was real, "
                "secure your account now."
            )
        )
    if any(r.imitated or r.unreadable for r in results):
        warnings.append(
            _(
                "We hid a link that imitates one of the exchange's official channels. Such "
                "sites steal accounts; check any address on the official-channel page."
            )
        )
    return warnings


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    if len(body) > BODY_MAX:
        raise ValidationError({"body": _("Use at most %(n)d characters.") % {"n": BODY_MAX}})
    return body


def _clean_tags(tags: str | list[str]) -> list[str]:
    words = tags.replace("，", ",").split(",") if isinstance(tags, str) else tags
    slugs = list(
        dict.fromkeys(s for s in (slugify(w, allow_unicode=True)[:40] for w in words) if s)
    )
    if len(slugs) > MAX_TAGS:
        raise ValidationError({"tags": _("Use at most %(n)d tags.") % {"n": MAX_TAGS}})
    return slugs


@transaction.atomic
def ask(
    member: Member,
    *,
    category: ForumCategory,
    language: str,
    title: str,
    body: str,
    tags: str | list[str] = "",
) -> Published:
    """A new question. Nothing is stored unless all of it may be."""
    if language not in LANGUAGES:
        raise ValidationError({"language": _("Choose a language.")})
    title = " ".join((title or "").split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise ValidationError(
            {
                "title": _("Use %(min)d to %(max)d characters.")
                % {"min": TITLE_MIN, "max": TITLE_MAX}
            }
        )
    body = _clean_body(body)
    tag_slugs = _clean_tags(tags)
    trusted = _check_can_post(member)
    officials = trust_registry.officials()
    title_screen = _screened(trusted, title, language, "title", officials)
    body_screen = _screened(trusted, body, language, "body", officials)
    topic = Topic.objects.create(
        category=category, language=language, title=title_screen.text[:TITLE_MAX], author=member
    )
    if tag_slugs:
        ForumTag.objects.bulk_create([ForumTag(slug=s) for s in tag_slugs], ignore_conflicts=True)
        topic.tags.set(ForumTag.objects.filter(slug__in=tag_slugs))
    post = Post.objects.create(
        topic=topic,
        author=member,
        body=body_screen.text,
        is_question=True,
        screened=title_screen.record + body_screen.record,
    )
    return Published(post, _warnings(title_screen, body_screen))


def _check_open(topic: Topic) -> None:
    if topic.hidden or topic.merged_into_id:
        raise ValidationError(_("This topic is no longer open."))
    if topic.locked:
        raise ValidationError(_("This topic is locked: no new answers."))


@transaction.atomic
def reply(member: Member, topic: Topic, body: str) -> Published:
    body = _clean_body(body)
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    _check_open(topic)
    trusted = _check_can_post(member)
    result = _screened(trusted, body, topic.language, "body")
    post = Post.objects.create(topic=topic, author=member, body=result.text, screened=result.record)
    Topic.objects.filter(pk=topic.pk).update(last_activity_at=timezone.now())
    return Published(post, _warnings(result))


@transaction.atomic
def staff_reply(user, topic: Topic, body: str, *, official: bool = False) -> Published:
    """An answer from the exchange's support team, written in the console."""
    if not answers_customers(user):
        raise PermissionDenied
    body = _clean_body(body)
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    _check_open(topic)
    result = screening.screen(body, topic.language)
    post = Post.objects.create(
        topic=topic, staff_author=user, body=result.text, screened=result.record
    )
    Topic.objects.filter(pk=topic.pk).update(last_activity_at=timezone.now())
    if official:
        mark_official(user, post)
    return Published(post, _warnings(result))


@transaction.atomic
def vote(member: Member, post: Post, value: int | None) -> int:
    """Up (+1) or down (-1); the same vote again takes it back. The post's new score."""
    if value not in (1, -1):
        raise ValidationError(_("A vote is up or down."))
    if post.author_id == member.pk:
        raise ValidationError(_("You cannot vote on your own post."))
    if post.hidden or post.topic.hidden or is_banned(member):
        raise ValidationError(_("You cannot vote on this post."))
    existing = Vote.objects.select_for_update().filter(post=post, member=member).first()
    if existing is None:
        try:
            with transaction.atomic():
                Vote.objects.create(post=post, member=member, value=value)
        except IntegrityError:  # the same vote from a second tab at the same moment
            return Post.objects.values_list("score", flat=True).get(pk=post.pk)
        change = value
    elif existing.value == value:
        existing.delete()
        change = -value
    else:
        Vote.objects.filter(pk=existing.pk).update(value=value)
        change = 2 * value
    Post.objects.filter(pk=post.pk).update(score=F("score") + change)
    return Post.objects.values_list("score", flat=True).get(pk=post.pk)


@transaction.atomic
def report(member: Member, post: Post, reason: str, note: str = "") -> Report:
    """A member's report. Enough open reports from different members hide the post until a
    moderator looks."""
    if reason not in ReportReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": _("Use at most %(n)d characters.") % {"n": 500}})
    if post.author_id == member.pk:
        raise ValidationError(_("You cannot report your own post."))
    if is_banned(member):
        raise ValidationError(_("You cannot report: your account is suspended from the forum."))
    if not ratelimit.allow(
        f"community-report:{_key(member)}", settings.COMMUNITY_REPORTS_PER_HOUR, 3600
    ):
        raise ValidationError(_("You have sent many reports. Please wait a while."))
    note = screening.screen(note, post.topic.language).text
    try:
        with transaction.atomic():
            created = Report.objects.create(post=post, member=member, reason=reason, note=note)
    except IntegrityError:
        raise ValidationError(_("You have already reported this post.")) from None
    open_reports = Report.objects.filter(post=post, resolved_at__isnull=True).count()
    # The support team's own answers wait for a moderator: a few throwaway accounts must
    # not take the official word down.
    if (
        open_reports >= settings.COMMUNITY_REPORTS_TO_HIDE
        and not post.hidden
        and post.staff_author_id is None
    ):
        if post.is_question:
            Topic.objects.filter(pk=post.topic_id).update(hidden=True)
        else:
            _hide(post, _("Reported by members"))
        ModerationAction.objects.create(
            kind=ModerationKind.AUTO_HIDE,
            topic=post.topic,
            post=post,
            member=post.author,
            detail=f"{open_reports} reports",
        )
    return created


# ---------------------------------------------------------------- moderation


def _hide(post: Post, reason: str) -> None:
    """Hide an answer; a hidden answer is no longer the official one."""
    Post.objects.filter(pk=post.pk).update(hidden=True, hidden_reason=reason)
    Topic.objects.filter(official_post=post).update(official_post=None)


def _moderator(user) -> None:
    if not moderates_community(user):
        raise PermissionDenied


def _log(user, kind: str, *, topic=None, post=None, member=None, detail: str = "") -> None:
    ModerationAction.objects.create(
        actor=user, kind=kind, topic=topic, post=post, member=member, detail=detail[:300]
    )


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why, for the moderation log.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("Use at most %(n)d characters.") % {"n": 200}})
    return reason


@transaction.atomic
def hide_post(user, post: Post, reason: str) -> None:
    _moderator(user)
    reason = _reason(reason)
    if post.is_question:
        return hide_topic(user, post.topic, reason)
    _hide(post, reason)
    Report.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=user
    )
    _log(
        user,
        ModerationKind.HIDE_POST,
        topic=post.topic,
        post=post,
        member=post.author,
        detail=reason,
    )


@transaction.atomic
def show_post(user, post: Post) -> None:
    _moderator(user)
    Post.objects.filter(pk=post.pk).update(hidden=False, hidden_reason="")
    Report.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=user
    )
    _log(user, ModerationKind.SHOW_POST, topic=post.topic, post=post, member=post.author)


@transaction.atomic
def hide_topic(user, topic: Topic, reason: str) -> None:
    _moderator(user)
    reason = _reason(reason)
    Topic.objects.filter(pk=topic.pk).update(hidden=True)
    Report.objects.filter(post__topic=topic, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=user
    )
    _log(user, ModerationKind.HIDE_TOPIC, topic=topic, member=topic.author, detail=reason)


@transaction.atomic
def show_topic(user, topic: Topic) -> None:
    _moderator(user)
    Topic.objects.filter(pk=topic.pk).update(hidden=False)
    _log(user, ModerationKind.SHOW_TOPIC, topic=topic, member=topic.author)


@transaction.atomic
def set_locked(user, topic: Topic, locked: bool) -> None:
    _moderator(user)
    Topic.objects.filter(pk=topic.pk).update(locked=locked)
    _log(user, ModerationKind.LOCK if locked else ModerationKind.UNLOCK, topic=topic)


@transaction.atomic
def move(user, topic: Topic, category: ForumCategory) -> None:
    _moderator(user)
    if category.pk == topic.category_id:
        raise ValidationError({"category": _("The topic is already in this category.")})
    before = topic.category.slug
    Topic.objects.filter(pk=topic.pk).update(category=category)
    _log(user, ModerationKind.MOVE, topic=topic, detail=f"{before} → {category.slug}")


@transaction.atomic
def merge(user, topic: Topic, into: Topic) -> None:
    """``topic``'s answers join ``into`` (its question becomes an answer there); readers of
    the old address are sent on."""
    _moderator(user)
    if into.pk == topic.pk or into.merged_into_id or topic.merged_into_id:
        raise ValidationError({"into": _("Choose another topic that is not merged itself.")})
    if into.language != topic.language:
        raise ValidationError({"into": _("Merge only topics in the same language.")})
    if topic.hidden or into.hidden:
        # Merging would show a hidden topic's posts again under the other's title.
        raise ValidationError({"into": _("Show a hidden topic before merging it.")})
    Post.objects.filter(topic=topic).update(topic=into, is_question=False)
    Topic.objects.filter(pk=topic.pk).update(merged_into=into, official_post=None)
    if into.official_post_id is None and topic.official_post_id is not None:
        Topic.objects.filter(pk=into.pk).update(official_post=topic.official_post_id)
    Topic.objects.filter(pk=into.pk).update(last_activity_at=timezone.now())
    _log(user, ModerationKind.MERGE, topic=topic, detail=f"→ {into.pk}")


@transaction.atomic
def ban(user, member: Member, reason: str, days: int | None = None) -> None:
    """Suspend a member (``days`` None: until lifted). Their posts stay as they are."""
    _moderator(user)
    reason = _reason(reason)
    if days is not None and not 1 <= days <= 3650:
        raise ValidationError({"days": _("Use 1 to 3650 days, or none for a ban until lifted.")})
    until = timezone.now() + timedelta(days=days or 36500)
    Member.objects.filter(pk=member.pk).update(banned_until=until, ban_reason=reason)
    _log(user, ModerationKind.BAN, member=member, detail=f"{days or '∞'} d: {reason}")


@transaction.atomic
def unban(user, member: Member) -> None:
    _moderator(user)
    Member.objects.filter(pk=member.pk).update(banned_until=None, ban_reason="")
    _log(user, ModerationKind.UNBAN, member=member)


@transaction.atomic
def trust(user, member: Member) -> None:
    _moderator(user)
    Member.objects.filter(pk=member.pk).update(trusted_at=timezone.now())
    _log(user, ModerationKind.TRUST, member=member)


@transaction.atomic
def dismiss_reports(user, post: Post) -> None:
    _moderator(user)
    count = Report.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=user
    )
    _log(user, ModerationKind.DISMISS, topic=post.topic, post=post, detail=f"{count} reports")


@transaction.atomic
def mark_official(user, post: Post) -> None:
    """The answer support stands behind; shown first under the question."""
    if not answers_customers(user):
        raise PermissionDenied
    if post.is_question or post.hidden or post.topic.hidden:
        raise ValidationError(_("Only a visible answer can be the official answer."))
    Topic.objects.filter(pk=post.topic_id).update(official_post=post)
    _log(user, ModerationKind.OFFICIAL, topic=post.topic, post=post, member=post.author)


@transaction.atomic
def draft_article(user, post: Post, section):
    """A help-center draft from a good answer, submitted for review (never published):
    the question and the answer, as screened, staff-only until a reviewer rewrites it."""
    from exdesk.helpcenter import services as helpcenter
    from exdesk.helpcenter.choices import Visibility

    if post.is_question or post.hidden:
        raise ValidationError(_("Only a visible answer can become an article."))
    topic = post.topic
    question = topic.posts.filter(is_question=True).first()
    language = topic.language
    from django.utils import translation

    with translation.override(language):
        body = "\n\n".join(
            [
                f"## {_('The question')}",
                question.body if question else topic.title,
                f"## {_('The answer')}",
                post.body,
                "_%s_"
                % (
                    _("From the community forum, topic %(n)d. Rewrite before publishing.")
                    % {"n": topic.pk}
                ),
            ]
        )
    slug = f"forum-{topic.pk}-{post.pk}"
    article = helpcenter.create_article(
        user,
        section=section,
        language=language,
        slug=slug,
        title=topic.title,
        body=body,
        visibility=Visibility.INTERNAL,
    )
    helpcenter.submit_for_review(user, article, _("Drafted from a community answer."))
    _log(user, ModerationKind.DRAFT, topic=topic, post=post, detail=f"article {article.pk}")
    return article
