"""Trainers write lessons, modules and paths in the console: versions, review by a second
trainer, learners reading only what was approved; cases in lessons and as drill seeds."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from exdesk import testing
from exdesk.academy import cases, curriculum, drills, selectors
from exdesk.academy.choices import LessonStatus
from exdesk.academy.models import Case, CaseStatus, Lesson, LessonActivity, LessonVersion
from exdesk.accounts.choices import Role
from exdesk.conversations import services as conversations
from exdesk.helpcenter.models import GlossaryTerm

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return testing.staff("author", role=Role.TRAINER)


@pytest.fixture
def reviewer():
    return testing.staff("reviewer", role=Role.TRAINER)


def new_lesson(author, module, **extra):
    return curriculum.create_lesson(
        author,
        module,
        key="fake-support",
        language="en",
        title="Fake support accounts",
        body="## Who writes first\n\nSupport never writes first on social media.",
        **extra,
    )


def test_a_lesson_is_read_only_after_another_trainer_approves_it(author, reviewer, module):
    lesson = new_lesson(author, module)
    assert lesson.status == LessonStatus.DRAFT
    assert selectors.lesson_for_reader("fake-support", "en") is None
    curriculum.submit_lesson(author, lesson)
    with pytest.raises(PermissionDenied):
        curriculum.approve_lesson(author, lesson)  # not their own text
    curriculum.approve_lesson(reviewer, lesson)
    read = selectors.lesson_for_reader("fake-support", "en")
    assert read.published_version.title == "Fake support accounts"

    # A new version is a draft; learners keep reading version 1 meanwhile.
    curriculum.save_lesson(
        reviewer, lesson, title="Fake support accounts", body="Rewritten.", note="shorter"
    )
    lesson.refresh_from_db()
    assert lesson.status == LessonStatus.DRAFT
    assert selectors.lesson_for_reader("fake-support", "en").published_version.number == 1
    curriculum.submit_lesson(reviewer, lesson)
    with pytest.raises(ValidationError) as error:
        curriculum.request_lesson_changes(author, lesson, " ")
    assert "comment" in error.value.message_dict
    curriculum.request_lesson_changes(author, lesson, "Keep the example.")
    lesson.refresh_from_db()
    assert lesson.status == LessonStatus.DRAFT and lesson.published_version.number == 1
    kinds = list(LessonActivity.objects.filter(lesson=lesson).values_list("kind", flat=True))
    assert kinds == ["changes", "submitted", "saved", "approved", "submitted", "saved"]


def test_saving_the_same_text_again_or_bad_input_writes_nothing(author, module):
    lesson = new_lesson(author, module)
    with pytest.raises(ValidationError):
        curriculum.save_lesson(
            author,
            lesson,
            title="Fake support accounts",
            body="## Who writes first\n\nSupport never writes first on social media.",
        )
    for bad, field in [
        ({"title": " ", "body": "x"}, "title"),
        ({"title": "T", "body": " "}, "body"),
        ({"title": "T", "body": "x", "articles": "Not A Slug!"}, "articles"),
        ({"title": "T", "body": "x", "cases": "999"}, "cases"),
    ]:
        with pytest.raises(ValidationError) as error:
            curriculum.save_lesson(author, lesson, **bad)
        assert field in error.value.message_dict
    assert LessonVersion.objects.filter(lesson=lesson).count() == 1
    with pytest.raises(ValidationError) as error:
        new_lesson(author, module)  # the key is taken in this language
    assert "key" in error.value.message_dict
    assert Lesson.objects.count() == 1


def test_agents_do_not_edit_the_curriculum(author, module):
    agent = testing.staff("agent")
    with pytest.raises(PermissionDenied):
        new_lesson(agent, module)
    lesson = new_lesson(author, module)
    client = testing.signed_in(agent)
    assert client.get(reverse("academy:curriculum")).status_code == 403
    assert client.get(reverse("academy:lesson_edit", args=[lesson.pk])).status_code == 403
    assert (
        client.post(reverse("academy:lesson_review", args=[lesson.pk, "submit"])).status_code == 403
    )


def test_the_console_pages_take_a_lesson_from_draft_to_published(author, reviewer, module):
    client = testing.signed_in(author)
    response = client.post(
        reverse("academy:lesson_new", args=[module.pk]),
        {
            "key": "cold-wallets",
            "language": "en",
            "title": "Cold wallets",
            "body": "Keys that never touch the internet.",
            "note": "first draft",
        },
    )
    lesson = Lesson.objects.get(key="cold-wallets")
    assert response.status_code == 302
    page = client.get(reverse("academy:lesson_edit", args=[lesson.pk])).content.decode()
    assert "Keys that never touch the internet." in page and "first draft" in page
    client.post(reverse("academy:lesson_review", args=[lesson.pk, "submit"]))
    client.post(reverse("academy:lesson_review", args=[lesson.pk, "approve"]))
    lesson.refresh_from_db()
    assert lesson.status == LessonStatus.IN_REVIEW  # the author may not approve
    testing.signed_in(reviewer, client)
    client.post(reverse("academy:lesson_review", args=[lesson.pk, "approve"]))
    lesson.refresh_from_db()
    assert lesson.status == LessonStatus.PUBLISHED
    assert "Cold wallets" in client.get(reverse("academy:curriculum")).content.decode()


def test_a_lesson_shows_its_glossary_terms_and_cases(author, reviewer, module):
    GlossaryTerm.objects.create(
        key="seed-phrase",
        term_en="Seed phrase",
        term_zh_hans="助记词",
        definition_en="Twelve or twenty-four words that restore a wallet.",
        definition_zh_hans="恢复钱包的一组单词。",
    )
    case = Case.objects.create(
        title="A fake agent on Telegram",
        language="en",
        transcript="customer: An agent asked for my [UID-1] and seed.\n\nagent: We never ask.",
        status=CaseStatus.PUBLISHED,
    )
    lesson = new_lesson(author, module, terms="seed-phrase", cases=str(case.pk))
    curriculum.submit_lesson(author, lesson)
    curriculum.approve_lesson(reviewer, lesson)
    page = testing.signed_in(testing.staff("agent")).get(
        reverse("academy:lesson", args=["fake-support"])
    )
    text = page.content.decode()
    assert "Twelve or twenty-four words" in text
    assert "A fake agent on Telegram" in text and "We never ask." in text


def test_modules_and_paths_are_edited_and_checked(author, module, exam):
    made = curriculum.save_module(
        author, None, key="vip-service", title_en="VIP service", title_zh="VIP 服务"
    )
    assert made.pk and made.key == "vip-service"
    with pytest.raises(ValidationError) as error:
        curriculum.save_path(
            author, None, key="vip", title_en="VIP", title_zh="VIP", steps=["vip-service", "nope"]
        )
    assert "steps" in error.value.message_dict
    path = curriculum.save_path(
        author, None, key="vip", title_en="VIP", title_zh="VIP", steps=["vip-service", exam.key]
    )
    assert selectors.path_step_keys(path) == ["vip-service", exam.key]
    client = testing.signed_in(author)
    client.post(
        reverse("academy:path_edit", args=[path.pk]),
        {"key": "vip", "title_en": "VIP", "title_zh": "VIP", "steps": f"{exam.key}\n{module.key}"},
    )
    assert selectors.path_step_keys(path) == [exam.key, module.key]


@pytest.mark.django_db(transaction=True)
def test_a_published_case_seeds_a_drill_that_replays_the_customer(author):
    case = Case.objects.create(
        title="Deposit on the wrong network",
        language="en",
        transcript=(
            "customer: My deposit is missing.\n\nagent: Which network?\n\n"
            "customer: I used BEP20.\n\nagent: I will open a recovery request."
        ),
        status=CaseStatus.DRAFT,
    )
    with pytest.raises(ValidationError):
        cases.drill_from_case(case, author)
    case.status = CaseStatus.PUBLISHED
    case.save()
    scenario = cases.drill_from_case(case, author)
    assert scenario.opening == "My deposit is missing." and scenario.active
    trainee = testing.staff("trainee")
    run = drills.start_drill(trainee, scenario)
    conversations.do_reply(run.conversation, trainee, "Which network did you use?")
    run.refresh_from_db()
    said = list(
        run.conversation.events.filter(kind="customer_message")
        .order_by("seq")
        .values_list("body", flat=True)
    )
    assert said == ["My deposit is missing.", "I used BEP20."]
    assert run.resolved and run.finished_at is not None


# A 1×1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_an_uploaded_image_is_shown_in_a_lesson_to_staff_only(author, reviewer, module):
    from django.core.files.uploadedfile import SimpleUploadedFile

    lesson = new_lesson(author, module)
    client = testing.signed_in(author)
    response = client.post(
        reverse("academy:image_upload", args=[lesson.pk]),
        {"image": SimpleUploadedFile("chart.png", PNG, content_type="image/png")},
        follow=True,
    )
    image = curriculum.LessonImage.objects.get()
    address = reverse("academy:image", args=[image.sha256])
    assert f"![chart.png]({address})" in response.content.decode()
    served = client.get(address)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == PNG
    assert testing.Client().get(address).status_code == 302  # not signed in: to the login

    curriculum.save_lesson(author, lesson, title="Charts", body=f"![A chart]({address})")
    curriculum.submit_lesson(author, lesson)
    curriculum.approve_lesson(reviewer, lesson)
    page = testing.signed_in(testing.staff("agent")).get(
        reverse("academy:lesson", args=[lesson.key])
    )
    assert f'src="{address}"' in page.content.decode()


@pytest.mark.parametrize(
    "name,data",
    [
        ("evil.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("notes.txt", b"just text"),
        ("empty.png", b""),
    ],
)
def test_only_raster_images_are_taken(author, module, name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    lesson = new_lesson(author, module)
    response = testing.signed_in(author).post(
        reverse("academy:image_upload", args=[lesson.pk]),
        {"image": SimpleUploadedFile(name, data)},
        follow=True,
    )
    assert response.status_code == 200
    assert not curriculum.LessonImage.objects.exists()


def test_agents_cannot_upload_images(author, module):
    from django.core.files.uploadedfile import SimpleUploadedFile

    lesson = new_lesson(author, module)
    response = testing.signed_in(testing.staff("agent")).post(
        reverse("academy:image_upload", args=[lesson.pk]),
        {"image": SimpleUploadedFile("chart.png", PNG)},
    )
    assert response.status_code == 403 and not curriculum.LessonImage.objects.exists()


def test_a_trainer_adds_check_questions_to_a_lesson_from_the_console(author, reviewer, module):
    from exdesk.academy import services
    from exdesk.academy.models import Question

    lesson = new_lesson(author, module)
    client = testing.signed_in(author)
    url = reverse("academy:questions", args=[module.pk])
    for prompt, kind, options, right in [
        ("Who writes first on social media?", "single", "Support\nNobody from support", "2"),
        ("Support may ask for a 2FA code.", "true_false", "", "false"),
    ]:
        response = client.post(
            url,
            {
                "kind": kind,
                "language": "en",
                "lesson_key": "fake-support",
                "difficulty": 1,
                "prompt": prompt,
                "options": options,
                "right": right,
                "points": 1,
            },
        )
        assert response.status_code == 302
    single = Question.objects.get(prompt="Who writes first on social media?")
    assert single.options == ["Support", "Nobody from support"] and single.answer == [1]
    assert Question.objects.get(kind="true_false", lesson_key="fake-support").answer == [False]
    assert services.lesson_check(lesson).count() == 2
    page = client.get(reverse("academy:lesson_edit", args=[lesson.pk])).content.decode()
    assert "2 questions in the check." in page


@pytest.mark.parametrize(
    "fields,error",
    [
        ({"kind": "single", "options": ["a", "b"], "answer": [0, 1]}, "answer"),
        ({"kind": "multiple", "options": ["a", "b"], "answer": [2]}, "answer"),
        ({"kind": "single", "options": ["a"], "answer": [0]}, "options"),
        ({"kind": "true_false", "answer": []}, "answer"),
        ({"kind": "ordering", "options": ["only one"]}, "options"),
        ({"kind": "text", "rubric": " "}, "rubric"),
        ({"kind": "scenario", "options": ["a", "b"], "answer": [0], "excerpt": []}, "excerpt"),
        ({"kind": "single", "options": ["a", "b"], "answer": [0], "prompt": " "}, "prompt"),
    ],
)
def test_a_question_of_the_wrong_shape_is_refused(author, module, fields, error):
    from exdesk.academy.models import Question

    data = {"language": "en", "prompt": "A question", "difficulty": 2, **fields}
    with pytest.raises(ValidationError) as raised:
        curriculum.save_question(author, None, module=module, **data)
    assert error in raised.value.message_dict
    assert not Question.objects.exists()


def test_a_question_drawn_in_an_exam_is_retired_not_changed(author, module, exam, trainee):
    from exdesk.academy import services
    from exdesk.academy.models import Question

    attempt = services.start_attempt(trainee, exam)
    drawn = Question.objects.get(pk=attempt.items[0]["question"])
    assert curriculum.question_was_answered(drawn)
    with pytest.raises(ValidationError):
        curriculum.save_question(
            author,
            drawn,
            module=module,
            language="en",
            kind="true_false",
            prompt="Changed",
            answer=[True],
        )
    curriculum.set_question_active(author, drawn, False)
    drawn.refresh_from_db()
    assert not drawn.active and drawn.prompt != "Changed"


def test_learners_never_open_the_question_bank(author, module, questions):
    agent = testing.signed_in(testing.staff("agent"))
    assert agent.get(reverse("academy:questions", args=[module.pk])).status_code == 403
    assert agent.get(reverse("academy:question_edit", args=[questions[0].pk])).status_code == 403
