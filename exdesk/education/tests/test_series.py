"""Tutorial series: a reader's progress (mark, unmark, idempotent, counted over the steps
they can see), only live public articles of the series' language, the order of steps,
and the public pages without JavaScript, including "Step 2 of 5" on the article page."""

import re

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from exdesk import testing
from exdesk.education import selectors, services
from exdesk.education.models import TutorialProgress, TutorialSeries
from exdesk.helpcenter import services as helpcenter
from exdesk.helpcenter.choices import Visibility

pytestmark = pytest.mark.django_db

READER = services.reader_id("session-key-of-a-reader")


def test_marking_done_is_idempotent_undoable_and_counted(series_of):
    series = series_of("en", ["a", "b", "c", "d", "e"])
    first, second, *_rest = selectors.shown_steps(series)
    assert services.mark_done(series, first, READER) is True
    assert services.mark_done(series, first, READER) is False  # again: nothing new
    assert services.mark_done(series, second, READER) is True
    view = selectors.series_view(series, READER)
    assert (view.done, view.total) == (2, 5)
    assert [step.done for step in view.steps] == [True, True, False, False, False]
    assert TutorialProgress.objects.count() == 2
    # Another reader has their own progress.
    assert selectors.series_view(series, services.reader_id("someone-else")).done == 0
    assert services.mark_not_done(series, first, READER) is True
    assert services.mark_not_done(series, first, READER) is False
    assert selectors.series_view(series, READER).done == 1


def test_a_step_of_another_series_or_no_reader_is_refused(series_of):
    mine = series_of("en", ["a", "b"])
    other = series_of("en", ["c"], slug="futures", title="Futures")
    foreign = selectors.shown_steps(other)[0]
    with pytest.raises(ValidationError):
        services.mark_done(mine, foreign, READER)
    with pytest.raises(ValidationError):
        services.mark_not_done(mine, foreign, READER)
    with pytest.raises(ValidationError):
        services.mark_done(mine, selectors.shown_steps(mine)[0], "")
    assert not TutorialProgress.objects.exists()


def test_the_reader_is_a_keyed_hash_of_the_session():
    reader = services.reader_id("abc")
    assert reader != "abc" and len(reader) == 64
    assert reader == services.reader_id("abc") != services.reader_id("abd")


def test_readers_see_only_live_public_articles_of_the_series_language(trainer, article, series_of):
    series = series_of("en", ["a", "b", "c"])
    draft = article("en", "draft-one", "Not reviewed yet", live=False)
    internal = article("en", "staff-only", "Procedure", visibility=Visibility.INTERNAL)
    services.add_step(trainer, series, draft)
    services.add_step(trainer, series, internal)
    chinese = article("zh-hans", "zh-one", "中文文章")
    with pytest.raises(ValidationError):
        services.add_step(trainer, series, chinese)  # another language
    with pytest.raises(ValidationError):
        services.add_step(trainer, series, draft)  # already a step
    shown = [step.article.slug for step in selectors.shown_steps(series)]
    assert shown == ["a", "b", "c"]
    # Progress on a step, then its article is archived: it drops out of view and count.
    steps = selectors.shown_steps(series)
    services.mark_done(series, steps[1], READER)
    reviewer = testing.staff("rita", role="senior_agent")
    helpcenter.archive(reviewer, steps[1].article)
    view = selectors.series_view(series, READER)
    assert [s.step.article.slug for s in view.steps] == ["a", "c"]
    assert (view.done, view.total) == (0, 2)
    # A step pointing at an article of the wrong language (bad data) is not shown either.
    series.steps.create(article=chinese, position=99)
    assert [s.article.slug for s in selectors.shown_steps(series)] == ["a", "c"]


def test_steps_are_added_last_moved_and_removed_with_their_order_kept(trainer, series_of):
    series = series_of("en", ["a", "b", "c"])

    def order():
        return [s.article.slug for s in series.steps.order_by("position")]

    a, b, c = series.steps.order_by("position")
    services.move_step(trainer, c, "up")
    assert order() == ["a", "c", "b"]
    with pytest.raises(ValidationError):
        services.move_step(trainer, a, "up")
    with pytest.raises(ValidationError):
        services.move_step(trainer, b, "down")
    with pytest.raises(ValidationError):
        services.move_step(trainer, b, "sideways")
    services.remove_step(trainer, a)
    assert order() == ["c", "b"]
    assert list(series.steps.order_by("position").values_list("position", flat=True)) == [1, 2]


def test_only_educators_change_series(article, series_of):
    agent = testing.staff("alice")
    series = series_of("en", ["a"])
    with pytest.raises(PermissionDenied):
        services.create_series(agent, language="en", slug="x", title="X")
    with pytest.raises(PermissionDenied):
        services.add_step(agent, series, article("en", "b", "B"))
    with pytest.raises(PermissionDenied):
        services.remove_step(agent, series.steps.first())


def test_series_addresses_are_checked(trainer, series_of):
    series_of("en", ["a"])
    with pytest.raises(ValidationError):
        services.create_series(trainer, language="en", slug="first-deposit", title="Again")
    with pytest.raises(ValidationError):
        services.create_series(trainer, language="en", slug="Not a slug!", title="X")
    with pytest.raises(ValidationError):
        services.create_series(trainer, language="fr", slug="x", title="X")
    with pytest.raises(ValidationError):
        services.create_series(trainer, language="en", slug="x", title="  ")
    # The same address in the other language is another series.
    services.create_series(trainer, language="zh-hans", slug="first-deposit", title="第一次充值")
    assert TutorialSeries.objects.count() == 2


def test_a_reader_marks_steps_on_the_page_without_javascript(series_of):
    series = series_of("en", ["a", "b", "c", "d", "e"])
    steps = selectors.shown_steps(series)
    client = Client(enforce_csrf_checks=True)
    url = reverse("education:series", args=["en", series.slug])
    page = client.get(url)
    html = page.content.decode()
    assert "0 of 5 steps done" in html
    assert re.search(r'<progress max="5" value="0" aria-labelledby="series-progress">', html)
    assert settings.SESSION_COOKIE_NAME not in client.cookies  # reading makes no session
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    for step in steps[:2]:
        done = client.post(
            reverse("education:step_progress", args=["en", series.slug, step.pk]),
            {"done": "1", "csrfmiddlewaretoken": token},
        )
        assert done.status_code == 302 and done.url.endswith(f"#step-{step.pk}")
    html = client.get(url).content.decode()
    assert "2 of 5 steps done" in html and 'value="2"' in html
    assert html.count("Mark as not done") == 2 and html.count(">Mark as done<") == 3
    client.post(
        reverse("education:step_progress", args=["en", series.slug, steps[0].pk]),
        {"done": "0", "csrfmiddlewaretoken": token},
    )
    assert "1 of 5 steps done" in client.get(url).content.decode()
    home = client.get(reverse("education:home", args=["en"])).content.decode()
    assert "Your first deposit" in home and "1 of 5 done" in home


def test_progress_posts_are_checked(series_of):
    series = series_of("en", ["a", "b"])
    other = series_of("en", ["c"], slug="futures", title="Futures")
    foreign = selectors.shown_steps(other)[0]
    client = Client()
    url = reverse("education:step_progress", args=["en", series.slug, foreign.pk])
    assert client.post(url, {"done": "1"}).status_code == 404
    step = selectors.shown_steps(series)[0]
    own = reverse("education:step_progress", args=["en", series.slug, step.pk])
    assert client.get(own).status_code == 405
    page = client.post(own, {"done": "maybe"}, follow=True)
    assert "Choose done or not done." in page.content.decode()
    assert client.post(own.replace("/en/", "/fr/"), {"done": "1"}).status_code == 404
    assert not TutorialProgress.objects.exists()
    # Without CSRF the post is refused.
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(own, {"done": "1"}).status_code == 403


def test_unpublished_and_other_language_series_are_not_public(trainer, series_of):
    series = series_of("en", ["a"])
    client = Client()
    assert client.get(reverse("education:series", args=["zh-hans", series.slug])).status_code == 404
    services.update_series(trainer, series, title=series.title, published=False)
    assert client.get(reverse("education:series", args=["en", series.slug])).status_code == 404
    assert "Your first deposit" not in client.get("/learn/en/").content.decode()
    assert client.get("/learn/").status_code == 302


def test_the_article_page_says_which_step_it_is_with_previous_and_next(series_of):
    series_of("en", ["a", "b", "c", "d", "e"])
    client = Client()
    page = client.get("/help/en/articles/b/?series=first-deposit").content.decode()
    assert "Step 2 of 5 in Your first deposit" in page
    assert 'href="/help/en/articles/a/?series=first-deposit" rel="prev"' in page
    assert 'href="/help/en/articles/c/?series=first-deposit" rel="next"' in page
    assert 'href="/learn/en/series/first-deposit/"' in page
    first = client.get("/help/en/articles/a/?series=first-deposit").content.decode()
    assert "Step 1 of 5" in first and 'rel="prev"' not in first
    last = client.get("/help/en/articles/e/?series=first-deposit").content.decode()
    assert "Step 5 of 5" in last and 'rel="next"' not in last
    for plain in ("/help/en/articles/b/", "/help/en/articles/b/?series=no-such-series"):
        assert "Step 2 of 5" not in client.get(plain).content.decode()


def test_the_listing_reads_in_the_same_few_queries_however_many_series(series_of):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = series_of("en", ["a", "b"])
    services.mark_done(first, selectors.shown_steps(first)[1], READER)

    def listing():
        with CaptureQueriesContext(connection) as queries:
            views = selectors.published_series("en", READER)
        return len(queries), [(v.series.slug, v.done, v.total) for v in views]

    queries_for_one, views = listing()
    assert views == [("first-deposit", 1, 2)]
    second = series_of("en", ["c", "d", "e"], slug="futures", title="Futures")
    series_of("en", ["f"], slug="withdrawals", title="Withdrawals")
    services.mark_done(second, selectors.shown_steps(second)[0], READER)
    queries_for_three, views = listing()
    assert sorted(views) == [("first-deposit", 1, 2), ("futures", 1, 3), ("withdrawals", 0, 1)]
    assert queries_for_three == queries_for_one <= 3
    # Without a reader, no progress query; with one, only their own progress counts.
    assert len(selectors.published_series("en")) == 3
    assert [v.done for v in selectors.published_series("en", "someone-else")] == [0, 0, 0]


def test_positions_are_bounded(trainer):
    client = testing.signed_in(trainer)
    refused = client.post(
        reverse("education_console:series_new"),
        {"language": "en", "slug": "huge", "title": "Huge", "position": 40000},
    )
    assert refused.status_code == 200 and "position" in refused.context["form"].errors
    assert not TutorialSeries.objects.exists()
    made = services.create_series(
        trainer, language="en", slug="huge", title="Huge", position=10**9
    )  # not through the form: kept in range
    made.refresh_from_db()
    assert made.position == 32767
