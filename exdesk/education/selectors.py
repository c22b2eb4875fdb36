"""Reading customer education: what readers see (only live public articles of the
series' language), their progress, the webinars' listing, and the console's lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from exdesk.helpcenter.models import Article
from exdesk.helpcenter.selectors import article_url, live_articles

from .models import (
    MAX_WEBINAR_MINUTES,
    AwarenessCampaign,
    TutorialProgress,
    TutorialSeries,
    TutorialStep,
    Webinar,
    WebinarRegistration,
)

PAST_WEBINARS = 20


@dataclass
class StepView:
    step: TutorialStep
    number: int
    title: str
    summary: str
    url: str
    done: bool = False


@dataclass
class SeriesView:
    series: TutorialSeries
    steps: list[StepView] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def done(self) -> int:
        return sum(1 for step in self.steps if step.done)


def _shown(steps: QuerySet[TutorialStep], language: str) -> QuerySet[TutorialStep]:
    return (
        steps.filter(article__in=live_articles(language))
        .select_related("article__live_version")
        .order_by("position", "id")
    )


def shown_steps(series: TutorialSeries) -> list[TutorialStep]:
    """The steps a reader sees, in order: those whose article is live, public and in the
    series' language. A step whose article is archived or made internal drops out."""
    return list(_shown(series.steps.all(), series.language))


def done_step_ids(series: TutorialSeries, reader: str | None) -> set[int]:
    if not reader:
        return set()
    return set(
        TutorialProgress.objects.filter(series=series, reader=reader).values_list(
            "step_id", flat=True
        )
    )


def series_view(series: TutorialSeries, reader: str | None = None) -> SeriesView:
    return _series_view(series, shown_steps(series), done_step_ids(series, reader))


def _series_view(series: TutorialSeries, steps: list[TutorialStep], done: set[int]) -> SeriesView:
    view = SeriesView(series)
    for number, step in enumerate(steps, 1):
        version = step.article.live_version
        view.steps.append(
            StepView(
                step=step,
                number=number,
                title=version.title if version else step.article.slug,
                summary=version.description if version else "",
                url=f"{article_url(series.language, step.article.slug)}?series={series.slug}",
                done=step.pk in done,
            )
        )
    return view


def published_series(language: str, reader: str | None = None) -> list[SeriesView]:
    """Published series in the language that have at least one step to show. Three
    queries however many there are: the series, all their shown steps, the progress."""
    found = list(
        TutorialSeries.objects.filter(language=language, published=True).prefetch_related(
            Prefetch(
                "steps", queryset=_shown(TutorialStep.objects.all(), language), to_attr="shown"
            )
        )
    )
    done: set[int] = set()
    if reader and found:
        done = set(
            TutorialProgress.objects.filter(
                series_id__in=[series.pk for series in found], reader=reader
            ).values_list("step_id", flat=True)
        )
    views = [_series_view(series, series.shown, done) for series in found]
    return [view for view in views if view.total]


def public_series(language: str, slug: str) -> TutorialSeries:
    found = TutorialSeries.objects.filter(language=language, slug=slug, published=True).first()
    if found is None:
        raise Http404
    return found


def public_step(series: TutorialSeries, step_pk: int) -> TutorialStep:
    """A step of the series that readers see (404 otherwise)."""
    for step in shown_steps(series):
        if step.pk == step_pk:
            return step
    raise Http404


@dataclass
class StepPlace:
    """Where an article stands in a series, for the help center's article page."""

    series: TutorialSeries
    number: int
    total: int
    previous: StepView | None
    next: StepView | None
    series_url: str


def place_in_series(language: str, series_slug: str, article: Article) -> StepPlace | None:
    """ "Step 2 of 5 in …" for an article opened from a series; None when the series is
    unknown, unpublished, or does not show this article."""
    if not series_slug:
        return None
    series = TutorialSeries.objects.filter(
        language=language, slug=series_slug[:80], published=True
    ).first()
    if series is None:
        return None
    steps = series_view(series).steps
    for index, step in enumerate(steps):
        if step.step.article_id == article.pk:
            return StepPlace(
                series=series,
                number=index + 1,
                total=len(steps),
                previous=steps[index - 1] if index > 0 else None,
                next=steps[index + 1] if index + 1 < len(steps) else None,
                series_url=reverse("education:series", args=[language, series.slug]),
            )
    return None


# ---------------------------------------------------------------- campaigns


def campaign_article(campaign: AwarenessCampaign, language: str) -> Article | None:
    """The campaign's help-center article in the language, if it is live and public."""
    slug = campaign.article_slug_in(language)
    if not slug:
        return None
    return live_articles(language).select_related("live_version").filter(slug=slug).first()


def campaigns() -> QuerySet[AwarenessCampaign]:
    return AwarenessCampaign.objects.select_related("created_by").order_by("-starts_at", "-id")


def campaign(pk: int) -> AwarenessCampaign:
    found = AwarenessCampaign.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# ---------------------------------------------------------------- webinars


def _with_counts(webinars: QuerySet[Webinar]) -> QuerySet[Webinar]:
    return webinars.annotate(
        registered=Count("registrations", filter=Q(registrations__cancelled_at__isnull=True))
    )


def upcoming_webinars(language: str, now: dt.datetime | None = None) -> list[Webinar]:
    """Webinars not over yet, soonest first (a cancelled one stays listed as cancelled
    until its time, for those who planned to come)."""
    now = now or timezone.now()
    candidates = _with_counts(
        Webinar.objects.filter(
            language=language, starts_at__gt=now - dt.timedelta(minutes=MAX_WEBINAR_MINUTES)
        )
    ).order_by("starts_at", "id")
    return [w for w in candidates if w.ends_at > now]


def past_recordings(language: str, now: dt.datetime | None = None) -> list[Webinar]:
    """Past webinars with a recording, newest first."""
    now = now or timezone.now()
    past = (
        Webinar.objects.filter(language=language, cancelled=False, starts_at__lt=now)
        .exclude(recording_url="")
        .order_by("-starts_at", "-id")
    )
    return [w for w in past[: PAST_WEBINARS * 2] if w.ends_at <= now][:PAST_WEBINARS]


def public_webinar(language: str, pk: int) -> Webinar:
    found = Webinar.objects.filter(pk=pk, language=language).first()
    if found is None:
        raise Http404
    return found


def registration_by_token(token: str) -> WebinarRegistration | None:
    return WebinarRegistration.objects.select_related("webinar").filter(token=token[:64]).first()


# ---------------------------------------------------------------- console


def all_series() -> QuerySet[TutorialSeries]:
    return TutorialSeries.objects.annotate(step_count=Count("steps")).order_by(
        "language", "position", "title"
    )


def series(pk: int) -> TutorialSeries:
    found = TutorialSeries.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def console_steps(series: TutorialSeries) -> list[tuple[TutorialStep, bool]]:
    """Every step with whether readers see it (its article live and public)."""
    shown = {step.pk for step in shown_steps(series)}
    steps = series.steps.select_related("article__live_version", "article__current_version")
    return [(step, step.pk in shown) for step in steps.order_by("position", "id")]


def step(series: TutorialSeries, pk: int) -> TutorialStep:
    found = series.steps.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def articles_to_add(series: TutorialSeries) -> list[Article]:
    """Articles of the series' language that are not steps yet (live public ones; a
    draft would not be shown to readers)."""
    return list(
        live_articles(series.language)
        .exclude(pk__in=series.steps.values("article_id"))
        .select_related("live_version")
        .order_by("live_version__title")
    )


def article(pk: int) -> Article:
    found = Article.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def webinars() -> QuerySet[Webinar]:
    return _with_counts(Webinar.objects.all()).order_by("-starts_at", "-id")


def webinar(pk: int) -> Webinar:
    found = _with_counts(Webinar.objects.filter(pk=pk)).first()
    if found is None:
        raise Http404
    return found


def registrations(webinar: Webinar) -> QuerySet[WebinarRegistration]:
    return webinar.registrations.order_by("cancelled_at", "created_at", "id")
