"""The starter curriculum that ships with exdesk (academy/starter/): modules, lessons in
English and Simplified Chinese, the question bank, certifications, exams and paths.

Loading is idempotent and never overwrites: a lesson, question, exam or path that
exists already (by its key) is left as the trainers edited it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from exdesk.accounts.models import Skill
from exdesk.helpcenter.starter import front_matter

from . import services
from .choices import QuestionKind
from .models import (
    Certification,
    Exam,
    LearningPath,
    Lesson,
    Module,
    PathStep,
    Question,
    Scenario,
)

STARTER_DIR = Path(__file__).resolve().parent / "starter"
FILE_LANGUAGES = {"en": "en", "zh-Hans": "zh-hans"}
SKILL_NAMES = {"compliance": "Compliance", "vip": "VIP service"}


def _toml(name: str) -> dict:
    with (STARTER_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


@dataclass
class LessonFile:
    key: str
    module: str
    language: str
    title: str
    articles: list[str]
    terms: list[str]
    body: str


def _keys(value: str) -> list[str]:
    return [k.strip().strip("\"'") for k in value.strip().strip("[]").split(",") if k.strip()]


def parse_lesson(path: Path, language: str) -> LessonFile:
    meta, body = front_matter(path)
    return LessonFile(
        key=meta["key"],
        module=meta["module"],
        language=language,
        title=meta["title"],
        articles=_keys(meta.get("articles", "")),
        terms=_keys(meta.get("terms", "")),
        body=body.strip() + "\n",
    )


def lesson_files() -> list[LessonFile]:
    return [
        parse_lesson(path, language)
        for folder, language in FILE_LANGUAGES.items()
        for path in sorted((STARTER_DIR / "lessons" / folder).glob("*/*.md"))
    ]


def question_entries() -> list[tuple[str, str, dict]]:
    """(module key, language, question table) for every starter question."""
    entries = []
    for folder, language in FILE_LANGUAGES.items():
        for path in sorted((STARTER_DIR / "questions" / folder).glob("*.toml")):
            with path.open("rb") as handle:
                for table in tomllib.load(handle)["question"]:
                    entries.append((path.stem, language, table))
    return entries


def question_fields(table: dict) -> dict:
    kind = table["kind"]
    if kind not in QuestionKind.values:
        raise ValueError(f"question {table['key']}: unknown kind {kind}")
    answer = [table["correct"]] if kind == QuestionKind.TRUE_FALSE else table.get("answer", [])
    return {
        "kind": kind,
        "difficulty": int(table.get("difficulty", 2)),
        "lesson_key": table.get("lesson", ""),
        "prompt": table["prompt"].strip(),
        "options": list(table.get("options", [])),
        "answer": answer,
        "rubric": table.get("rubric", "").strip(),
        "points": int(table.get("points", 1)),
        "excerpt": list(table.get("excerpt", [])),
        "explanation": table.get("explanation", "").strip(),
        "article_key": table.get("article", ""),
    }


def scenario_files() -> list[tuple[str, dict]]:
    """(language, scenario table) for every starter drill scenario."""
    found = []
    for folder, language in FILE_LANGUAGES.items():
        for path in sorted((STARTER_DIR / "scenarios" / folder).glob("*.toml")):
            with path.open("rb") as handle:
                found.append((language, tomllib.load(handle)))
    return found


def scenario_fields(table: dict) -> dict:
    persona = dict(table["persona"])
    return {
        "title": table["title"],
        "difficulty": int(table.get("difficulty", 2)),
        "traps": list(table.get("traps", [])),
        "opening": persona.pop("opening", table.get("opening", "")),
        "persona": persona,
        "facts": dict(table.get("facts", {})),
        "script": {
            "reveal": table.get("reveal", []),
            "step": table.get("step", []),
            "ignored": table.get("ignored", {}),
            "trap": table.get("trap", {}),
        },
        "rubric": dict(table.get("rubric", {})),
    }


@transaction.atomic
def load_starter_academy() -> dict:
    """Create what is missing; returns counts of what was created."""
    created = {
        "modules": 0,
        "lessons": 0,
        "questions": 0,
        "exams": 0,
        "paths": 0,
        "scenarios": 0,
    }
    curriculum = _toml("curriculum.toml")["module"]
    plan = _toml("exams.toml")
    skills = {}
    for slug in {m["skill"] for m in curriculum if m.get("skill")} | {
        c["skill"] for c in plan["certification"]
    }:
        skills[slug] = Skill.objects.get_or_create(
            slug=slug, defaults={"name": SKILL_NAMES.get(slug, slug.title())}
        )[0]
    modules = {}
    for position, entry in enumerate(curriculum):
        module, is_new = Module.objects.get_or_create(
            key=entry["key"],
            defaults={
                "position": position,
                "title_en": entry["title_en"],
                "title_zh": entry["title_zh"],
                "summary_en": entry.get("summary_en", ""),
                "summary_zh": entry.get("summary_zh", ""),
                "skill": skills.get(entry.get("skill", "")),
            },
        )
        modules[module.key] = module
        created["modules"] += is_new
    positions = {
        lesson_key: index
        for entry in curriculum
        for index, lesson_key in enumerate(entry["lessons"])
    }
    for item in lesson_files():
        lesson, is_new = Lesson.objects.get_or_create(
            key=item.key,
            language=item.language,
            defaults={"module": modules[item.module], "position": positions.get(item.key, 99)},
        )
        if is_new:
            services.publish_lesson(
                lesson, title=item.title, body=item.body, articles=item.articles, terms=item.terms
            )
            created["lessons"] += 1
    for module_key, language, table in question_entries():
        _question, is_new = Question.objects.get_or_create(
            key=table["key"],
            language=language,
            defaults={"module": modules[module_key], **question_fields(table)},
        )
        created["questions"] += is_new
    certifications = {}
    for entry in plan["certification"]:
        certifications[entry["key"]] = Certification.objects.get_or_create(
            key=entry["key"],
            defaults={
                "skill": skills[entry["skill"]],
                "level": entry.get("level", 1),
                "title_en": entry["title_en"],
                "title_zh": entry["title_zh"],
                "valid_days": entry.get("valid_days", 365),
            },
        )[0]
    exams = {}
    for entry in plan["exam"]:
        exam, is_new = Exam.objects.get_or_create(
            key=entry["key"],
            defaults={
                "title_en": entry["title_en"],
                "title_zh": entry["title_zh"],
                "blueprint": entry["blueprint"],
                "time_limit_minutes": entry.get("time_limit_minutes", 30),
                "pass_mark": entry.get("pass_mark", 80),
                "max_attempts": entry.get("max_attempts", 3),
                "cooldown_hours": entry.get("cooldown_hours", 24),
                "certification": certifications.get(entry.get("certification", "")),
                "drills": entry.get("drills", []),
            },
        )
        exams[exam.key] = exam
        created["exams"] += is_new
    for entry in plan["path"]:
        path, is_new = LearningPath.objects.get_or_create(
            key=entry["key"],
            defaults={"title_en": entry["title_en"], "title_zh": entry["title_zh"]},
        )
        if is_new:
            steps = [{"module": modules[k]} for k in entry["modules"]]
            steps += [{"exam": exams[k]} for k in entry.get("exams", [])]
            PathStep.objects.bulk_create(
                PathStep(path=path, position=n, **step) for n, step in enumerate(steps)
            )
            created["paths"] += 1
    for language, table in scenario_files():
        _scenario, is_new = Scenario.objects.get_or_create(
            key=table["key"],
            language=language,
            defaults={"module": modules.get(table.get("module", "")), **scenario_fields(table)},
        )
        created["scenarios"] += is_new
    return created
