"""Reads for the forum's pages and the console."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from .models import ForumCategory, Member, ModerationAction, Post, Report, Topic

TOPICS_PER_PAGE = 20


def categories() -> list[ForumCategory]:
    return list(ForumCategory.objects.all())


def category(slug: str) -> ForumCategory:
    found = ForumCategory.objects.filter(slug=slug).first()
    if found is None:
        raise Http404
    return found


def category_by_pk(pk) -> ForumCategory | None:
    try:
        return ForumCategory.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def visible_topics(language: str) -> QuerySet[Topic]:
    return (
        Topic.objects.filter(language=language, hidden=False, merged_into__isnull=True)
        .select_related("category", "author")
        .prefetch_related("tags")
        .annotate(
            # distinct: search filters on posts too, and that join would count each twice.
            answers=Count(
                "posts", filter=Q(posts__hidden=False, posts__is_question=False), distinct=True
            )
        )
        .order_by("-last_activity_at", "-id")
    )


def topic_list(language: str, *, category: ForumCategory | None = None, tag: str = ""):
    topics = visible_topics(language)
    if category is not None:
        topics = topics.filter(category=category)
    if tag:
        topics = topics.filter(tags__slug=tag)
    return topics


def public_topic(pk: int) -> Topic:
    """A topic a reader may open (a merged one too: the view sends them on)."""
    topic = (
        Topic.objects.select_related("category", "author", "official_post").filter(pk=pk).first()
    )
    if topic is None or topic.hidden:
        raise Http404
    return topic


def public_posts(topic: Topic) -> list[Post]:
    """The question, the official answer, then the others by votes and age."""
    posts = list(
        topic.posts.filter(hidden=False)
        .select_related("author", "staff_author")
        .order_by("-is_question", "-score", "created_at", "id")
    )
    official = next((p for p in posts if p.pk == topic.official_post_id), None)
    if official is not None:
        posts.remove(official)
        posts.insert(1 if posts and posts[0].is_question else 0, official)
    return posts


def my_votes(member: Member | None, posts: list[Post]) -> dict[int, int]:
    if member is None:
        return {}
    from .models import Vote

    return dict(Vote.objects.filter(member=member, post__in=posts).values_list("post_id", "value"))


def member(pk) -> Member | None:
    return Member.objects.filter(pk=pk).first() if pk else None


def visible_post(pk: int) -> Post:
    post = Post.objects.select_related("topic", "author").filter(pk=pk).first()
    if post is None or post.hidden or post.topic.hidden:
        raise Http404
    return post


# ---------------------------------------------------------------- console


def any_topic(pk: int | None) -> Topic:
    topic = (
        Topic.objects.select_related("category", "author", "merged_into").filter(pk=pk).first()
        if pk
        else None
    )
    if topic is None:
        raise Http404
    return topic


def all_posts(topic: Topic) -> QuerySet[Post]:
    return (
        topic.posts.select_related("author", "staff_author")
        .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .order_by("created_at", "id")
    )


def any_post(pk: int) -> Post:
    post = Post.objects.select_related("topic", "author").filter(pk=pk).first()
    if post is None:
        raise Http404
    return post


def any_member(pk: int) -> Member:
    found = Member.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def moderation_queue() -> QuerySet[Post]:
    """Posts with open reports or hidden by screening, the most reported first."""
    return (
        Post.objects.select_related("topic", "author")
        .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .filter(Q(open_reports__gt=0) | ~Q(screened=[]), topic__hidden=False)
        .prefetch_related(
            Prefetch("reports", queryset=Report.objects.filter(resolved_at__isnull=True))
        )
        .order_by("-open_reports", "-created_at")
    )


def recent_topics() -> QuerySet[Topic]:
    return Topic.objects.select_related("category", "author").order_by("-last_activity_at")


def moderation_log() -> QuerySet[ModerationAction]:
    return ModerationAction.objects.select_related("actor", "topic", "member", "post")


def topic_choices(topic: Topic) -> QuerySet[Topic]:
    """Topics ``topic`` may be merged into."""
    return (
        Topic.objects.filter(language=topic.language, merged_into__isnull=True, hidden=False)
        .exclude(pk=topic.pk)
        .order_by("-last_activity_at")[:50]
    )
