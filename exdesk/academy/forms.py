from django import forms
from django.utils.translation import gettext_lazy as _

from exdesk.accounts.choices import EscalationKind, Language
from exdesk.accounts.models import Team, User

from .choices import QuestionKind
from .models import Exam, LearningPath, Module, Scenario


class AssignPathForm(forms.Form):
    path = forms.ModelChoiceField(LearningPath.objects.all(), label=_("Learning path"))
    users = forms.ModelMultipleChoiceField(
        User.objects.filter(is_active=True).order_by("username"),
        label=_("Agents"),
        required=False,
    )
    team = forms.ModelChoiceField(Team.objects.all(), label=_("Or a whole team"), required=False)
    due_at = forms.DateTimeField(
        label=_("Due"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("users") and not data.get("team"):
            raise forms.ValidationError(_("Choose agents or a team."))
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class InviteCandidateForm(forms.Form):
    name = forms.CharField(label=_("Candidate's name"), max_length=120)
    email = forms.EmailField(label=_("Candidate's e-mail"))
    language = forms.ChoiceField(label=_("Language of the assessment"), choices=Language.choices)
    exam = forms.ModelChoiceField(Exam.objects.all(), label=_("Written exam"))
    scenario = forms.ModelChoiceField(
        Scenario.objects.filter(active=True),
        label=_("Scenario test"),
        required=False,
        help_text=_("In the candidate's language."),
    )
    valid_days = forms.IntegerField(
        label=_("Link valid for (days)"), min_value=1, max_value=30, initial=7
    )


class CandidateReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Your reply to the customer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    escalate_to = forms.ChoiceField(
        label=_("Escalate to a team (optional)"),
        required=False,
        choices=[("", _("No escalation")), *EscalationKind.choices],
    )


def sheet_answers(data, sheet) -> dict[int, object]:
    """What the form says, per question; unanswered questions are left out."""
    answers: dict[int, object] = {}
    for item in sheet:
        name = f"q{item.question_id}"
        if item.kind == QuestionKind.MULTIPLE:
            if data.getlist(name):
                answers[item.question_id] = data.getlist(name)
        elif item.kind == QuestionKind.ORDERING:
            ranks = [data.get(f"{name}-{n}", "") for n in range(len(item.options))]
            if all(r.isdigit() for r in ranks):
                # Each shown step got a rank 1..n: the answer lists shown steps by rank.
                by_rank = sorted(range(len(ranks)), key=lambda n: int(ranks[n]))
                if sorted(int(r) for r in ranks) == list(range(1, len(ranks) + 1)):
                    answers[item.question_id] = by_rank
        elif data.get(name, "") != "":
            answers[item.question_id] = data.get(name)
    return answers


class LessonForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Headings, lists, tables, links and images from this site (/static/…)."),
    )
    articles = forms.CharField(
        label=_("Help-center articles (addresses)"),
        required=False,
        help_text=_("Separated by spaces or commas."),
    )
    terms = forms.CharField(
        label=_("Glossary terms (keys)"),
        required=False,
        help_text=_("Separated by spaces or commas."),
    )
    cases = forms.CharField(
        label=_("Cases (numbers)"),
        required=False,
        help_text=_("Published cases from the case library, shown with the lesson."),
    )
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)


class NewLessonForm(LessonForm):
    key = forms.SlugField(label=_("Key"), max_length=50)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    field_order = ["key", "language", "title", "body", "articles", "terms", "cases", "note"]


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["key", "title_en", "title_zh", "summary_en", "summary_zh", "skill"]


class PathForm(forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=50)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    steps = forms.CharField(
        label=_("Steps"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One module key or exam key per line, in order."),
    )


class QuestionForm(forms.Form):
    """A question as a trainer types it; ``clean`` turns the text into the bank's shape
    (options list, answer indexes or true/false, excerpt turns)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    lesson_key = forms.ChoiceField(
        label=_("Part of the check of lesson"), required=False, choices=[("", "—")]
    )
    difficulty = forms.IntegerField(label=_("Difficulty (1–3)"), min_value=1, max_value=3)
    prompt = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line. For an ordering question, the steps in their right order."),
    )
    right = forms.CharField(
        label=_("Right answer"),
        required=False,
        help_text=_(
            "Numbers of the right options (1 is the first), e.g. 2 or 1, 3; or true / false."
        ),
    )
    excerpt = forms.CharField(
        label=_("Conversation excerpt (scenario)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One turn per line: “customer: …” or “agent: …”."),
    )
    rubric = forms.CharField(
        label=_("Rubric (short answer)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    points = forms.IntegerField(label=_("Points (short answer)"), min_value=1, max_value=10)
    explanation = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    article_key = forms.SlugField(label=_("Help-center article it relies on"), required=False)

    def __init__(self, *args, lesson_keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson_key"].choices = [("", "—"), *((k, k) for k in lesson_keys)]

    def clean(self):
        data = super().clean()
        data["options"] = [line.strip() for line in data.get("options", "").splitlines()]
        right = (data.pop("right", "") or "").strip().lower()
        if right in ("true", "false"):
            data["answer"] = [right == "true"]
        else:
            numbers = [p for p in right.replace("，", ",").replace(",", " ").split() if p]
            if not all(p.isdigit() for p in numbers):
                self.add_error("right", _("Give option numbers, or true / false."))
            data["answer"] = [int(p) - 1 for p in numbers if p.isdigit()]
        turns = []
        for line in data.get("excerpt", "").splitlines():
            who, _sep, text = line.partition(":")
            if text.strip() and who.strip().lower() in ("customer", "agent"):
                turns.append({"who": who.strip().lower(), "text": text.strip()})
            elif line.strip():
                self.add_error("excerpt", _("Start each turn with “customer:” or “agent:”."))
                break
        data["excerpt"] = turns
        return data

    @classmethod
    def initial_for(cls, question) -> dict:
        if question.kind == QuestionKind.TRUE_FALSE:
            right = "true" if question.answer == [True] else "false"
        else:
            right = ", ".join(str(i + 1) for i in question.answer)
        return {
            "kind": question.kind,
            "language": question.language,
            "lesson_key": question.lesson_key,
            "difficulty": question.difficulty,
            "prompt": question.prompt,
            "options": "\n".join(question.options),
            "right": right,
            "excerpt": "\n".join(f"{t['who']}: {t['text']}" for t in question.excerpt),
            "rubric": question.rubric,
            "points": question.points,
            "explanation": question.explanation,
            "article_key": question.article_key,
        }
