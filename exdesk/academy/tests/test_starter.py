"""The starter curriculum that ships with exdesk: complete in both languages, every link
pointing at something that exists, every question answerable, loaded idempotently."""

import tomllib
from collections import Counter

import pytest

from exdesk.academy import loader
from exdesk.academy.choices import OBJECTIVE_KINDS
from exdesk.academy.models import Exam, LearningPath, Lesson, Module, Question
from exdesk.helpcenter import starter as kb

LANGUAGES = ("en", "zh-hans")
CURRICULUM = loader._toml("curriculum.toml")["module"]


def test_twelve_modules_of_three_lessons_in_both_languages():
    assert len(CURRICULUM) >= 12
    files = {(f.module, f.key, f.language) for f in loader.lesson_files()}
    for module in CURRICULUM:
        assert len(module["lessons"]) >= 3
        for key in module["lessons"]:
            for language in LANGUAGES:
                assert (module["key"], key, language) in files, (module["key"], key, language)


def test_lessons_link_only_what_exists():
    articles = {(a.key, a.language) for a in kb.article_files()}
    terms = {t["key"] for t in kb.glossary_entries()}
    for lesson in loader.lesson_files():
        assert len(lesson.body) > 500, lesson.key
        for key in lesson.articles:
            assert (key, lesson.language) in articles, (lesson.key, key)
        assert set(lesson.terms) <= terms, lesson.key


def test_the_question_bank_is_complete_and_answerable():
    entries = loader.question_entries()
    by_language = Counter(language for _m, language, _t in entries)
    assert by_language["en"] >= 300 and by_language["zh-hans"] >= 300
    articles = {a.key for a in kb.article_files()}
    lesson_keys = {key for m in CURRICULUM for key in m["lessons"]}
    checks = Counter()
    for _module, language, table in entries:
        fields = loader.question_fields(table)
        kind, options, answer = fields["kind"], fields["options"], fields["answer"]
        if kind in ("single", "scenario"):
            assert len(answer) == 1 and 0 <= answer[0] < len(options), table["key"]
        if kind == "multiple":
            assert len(answer) >= 2 and all(0 <= i < len(options) for i in answer), table["key"]
        if kind == "true_false":
            assert answer in ([True], [False]), table["key"]
        if kind == "ordering":
            assert len(options) >= 3, table["key"]
        if kind == "text":
            assert fields["rubric"], table["key"]
        if kind == "scenario":
            assert fields["excerpt"], table["key"]
        if fields["article_key"]:
            assert fields["article_key"] in articles, table["key"]
        if fields["lesson_key"]:
            assert fields["lesson_key"] in lesson_keys, table["key"]
            assert kind in OBJECTIVE_KINDS, table["key"]
            checks[(fields["lesson_key"], language)] += 1
    for key in lesson_keys:
        for language in LANGUAGES:
            assert 2 <= checks[(key, language)] <= 5, (key, language)


def test_exams_draw_from_modules_that_hold_enough_questions():
    plan = loader._toml("exams.toml")
    per_module = Counter((m, language) for m, language, _t in loader.question_entries())
    for exam in plan["exam"]:
        for module, count in exam["blueprint"].items():
            for language in LANGUAGES:
                assert per_module[(module, language)] >= count, (exam["key"], module)


@pytest.mark.django_db
def test_loading_twice_creates_once():
    first = loader.load_starter_academy()
    assert first["modules"] == len(CURRICULUM)
    assert Lesson.objects.filter(published_version__isnull=False).count() == first["lessons"]
    assert Question.objects.count() == len(loader.question_entries())
    assert Exam.objects.filter(certification__isnull=False).count() >= 6
    assert LearningPath.objects.count() >= 5
    again = loader.load_starter_academy()
    assert set(again.values()) == {0}
    assert Module.objects.count() == len(CURRICULUM)


def test_scenario_files_parse():
    for folder in ("en", "zh-Hans"):
        for path in (loader.STARTER_DIR / "scenarios" / folder).glob("*.toml"):
            with path.open("rb") as handle:
                scenario = tomllib.load(handle)
            assert scenario["key"] == path.stem


def test_twenty_scenarios_in_each_language_with_their_facts_asked_for():
    scenarios = loader.scenario_files()
    per_language = Counter(language for language, _t in scenarios)
    assert per_language["en"] >= 20 and per_language["zh-hans"] >= 20
    traps = Counter()
    for language, table in scenarios:
        fields = loader.scenario_fields(table)
        assert fields["opening"], table["key"]
        revealed = {r["fact"] for r in fields["script"]["reveal"]}
        assert set(fields["rubric"].get("must_ask", [])) <= revealed, table["key"]
        assert any(step.get("done") for step in fields["script"]["step"]), table["key"]
        if fields["traps"]:
            assert fields["script"]["trap"].get("say"), table["key"]
        traps.update((language, trap) for trap in fields["traps"])
    for language in LANGUAGES:
        for trap in ("seed_phrase_offer", "skip_kyc", "public_threat", "vip_crash", "tipping_off"):
            assert traps[(language, trap)] >= 1, (language, trap)


@pytest.mark.django_db
def test_the_load_command_loads_once_and_says_what_it_added():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_starter_academy", stdout=out)
    assert Module.objects.count() >= 12
    assert f"{Module.objects.count()} modules, {Lesson.objects.count()} lessons" in out.getvalue()
    first = Lesson.objects.count()
    again = StringIO()
    call_command("load_starter_academy", stdout=again)
    assert "0 modules, 0 lessons, 0 questions" in again.getvalue()
    assert Lesson.objects.count() == first


def test_drills_an_exam_asks_for_exist_in_both_languages():
    plan = tomllib.loads((loader.STARTER_DIR / "exams.toml").read_text())
    asked = {key for exam in plan["exam"] for key in exam.get("drills", [])}
    assert asked
    for language in ("en", "zh-hans"):
        keys = {table["key"] for lang, table in loader.scenario_files() if lang == language}
        assert asked <= keys, language
