"""Recruitment assessments (seed 003: a written test and a scenario test).

A recruiter invites a candidate by e-mail. The link carries a random token; only its
hash is stored. The first browser that opens the link is bound to it (its session), and
the link opens nothing for anyone else, nor after it expires, nor after the candidate
finished. The candidate sits the written exam on the same server-kept attempts as
agents, then serves a simulated customer from a drill scenario on a plain page: the same
script answers, the same guard refuses requests for secrets, the same rubric scores.
The recruiter is told when the candidate is done and reads the results in the console.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exdesk.accounts.choices import EscalationKind, Language
from exdesk.assistant.guard import agent_asks_for_secret

from . import drills, services
from .choices import AttemptState
from .models import Candidate, DrillRun, Exam, Scenario

DEFAULT_VALID_DAYS = 7
MAX_VALID_DAYS = 30
MAX_REPLY = 2000
# A candidate's scenario ends by itself after this many replies.
MAX_SCENARIO_TURNS = 12


class LinkRefused(Exception):
    """The link cannot be opened: unknown, expired, used, or opened in another browser."""


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# ---------------------------------------------------------------- the recruiter


def invite(
    recruiter,
    *,
    name: str,
    email: str,
    language: str,
    exam: Exam,
    scenario: Scenario | None,
    valid_days: int = DEFAULT_VALID_DAYS,
    now=None,
) -> tuple[Candidate, str]:
    """A new candidate and their one-time link's token (returned once, to be mailed)."""
    from exdesk.accounts.permissions import recruits

    if not recruits(recruiter):
        raise PermissionDenied(_("Only recruiters may invite candidates."))
    now = now or timezone.now()
    name, email = (name or "").strip(), (email or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the candidate's name.")
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Give a valid e-mail address.")
    if language not in Language.values:
        errors["language"] = _("Choose English or Simplified Chinese.")
    if scenario is not None and scenario.language != language:
        errors["scenario"] = _("Choose a scenario in the candidate's language.")
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        errors["valid_days"] = _("The link may be valid for 1 to %(n)d days.") % {
            "n": MAX_VALID_DAYS
        }
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        candidate = Candidate.objects.create(
            name=name[:120],
            email=email,
            language=language,
            exam=exam,
            scenario=scenario,
            token_hash=_hash(token),
            invited_by=recruiter,
            invited_at=now,
            expires_at=now + dt.timedelta(days=valid_days),
        )
        from .tasks import send_candidate_invitation

        transaction.on_commit(lambda: send_candidate_invitation(candidate.pk, token))
    return candidate, token


def results(candidate: Candidate) -> dict:
    """What the recruiter reads: the exam's outcome and the scenario's marks."""
    attempt, run = candidate.attempt, candidate.drill
    return {
        "attempt": attempt,
        "exam_percent": attempt.percent if attempt else None,
        "exam_state": attempt.state if attempt else None,
        "drill": run,
        "transcript": run.transcript if run else [],
        "marks": run.marks if run else {},
    }


# ---------------------------------------------------------------- the link


def open_link(token: str, session_key: str, now=None) -> Candidate:
    """Bind the link to this browser session on its first opening; later openings from
    the same session pass, any other is refused."""
    now = now or timezone.now()
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().filter(token_hash=_hash(token)).first()
        if candidate is None:
            raise LinkRefused(_("This assessment link is not valid."))
        if candidate.finished_at is not None:
            raise LinkRefused(_("This assessment is finished; the link is no longer valid."))
        if candidate.opened_at is None:
            if candidate.expires_at <= now:
                raise LinkRefused(_("This assessment link has expired."))
            candidate.opened_at = now
            candidate.session_hash = _hash(session_key)
            candidate.save(update_fields=["opened_at", "session_hash"])
        elif candidate.session_hash != _hash(session_key):
            raise LinkRefused(_("This assessment link was already opened and works only once."))
    return candidate


def in_session(candidate_id: int | None, session_key: str | None) -> Candidate:
    """The candidate this browser opened, while their assessment is not finished."""
    candidate = Candidate.objects.filter(pk=candidate_id or 0).first() if session_key else None
    if candidate is None or candidate.session_hash != _hash(session_key or ""):
        raise LinkRefused(_("Open the assessment from the link in your invitation."))
    if candidate.finished_at is not None:
        raise LinkRefused(_("This assessment is finished; the link is no longer valid."))
    return candidate


# ---------------------------------------------------------------- the written exam


def written_exam(candidate: Candidate, now=None):
    """The candidate's one attempt: drawn the first time, the same one afterwards."""
    now = now or timezone.now()
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.attempt is None:
            candidate.attempt = services.new_attempt(
                candidate.exam, candidate.language, now, candidate=candidate
            )
            candidate.save(update_fields=["attempt"])
    return services.finish_if_overdue(candidate.attempt, now)


def exam_done(candidate: Candidate) -> bool:
    return candidate.attempt is not None and candidate.attempt.state != AttemptState.IN_PROGRESS


# ---------------------------------------------------------------- the scenario


def scenario_run(candidate: Candidate, now=None) -> DrillRun | None:
    """The candidate's drill, started the first time with the customer's opening."""
    if candidate.scenario is None:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.drill is None:
            scenario = candidate.scenario
            mood = scenario.persona.get("mood", "worried")
            candidate.drill = DrillRun.objects.create(
                scenario=scenario,
                mood=mood if mood in drills.MOODS else "worried",
                started_at=now,
                transcript=[{"who": "customer", "text": scenario.opening, "at": now.isoformat()}],
            )
            candidate.save(update_fields=["drill"])
    return candidate.drill


def escalation_choices() -> list[tuple[str, str]]:
    return list(EscalationKind.choices)


def scenario_reply(candidate: Candidate, text: str, escalate_to: str = "", now=None) -> DrillRun:
    """The candidate's reply, and the customer's answer from the script. A reply asking
    for a secret is refused, as in the console, and counts against the rubric."""
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reply": _("Write a reply.")})
    if len(text) > MAX_REPLY:
        raise ValidationError({"reply": _("Use at most %(n)d characters.") % {"n": MAX_REPLY}})
    if escalate_to and escalate_to not in EscalationKind.values:
        raise ValidationError({"escalate_to": _("Choose a team from the list.")})
    refused = agent_asks_for_secret(text)
    with transaction.atomic():
        run = _open_run(candidate)
        turn: dict = {"who": "agent", "text": text, "at": now.isoformat()}
        if escalate_to:
            turn["escalate"] = escalate_to
        if refused:
            turn["blocked"] = True
            run.transcript = [*run.transcript, turn]
            run.save(update_fields=["transcript"])
        else:
            answer = drills.customer_answer(run, text)
            run.transcript = [
                *run.transcript,
                turn,
                {"who": "customer", "text": answer, "at": now.isoformat()},
            ]
            run.save(
                update_fields=["transcript", "mood", "turns", "revealed", "trap_sprung", "resolved"]
            )
    if refused:
        raise ValidationError(
            {
                "reply": _(
                    "This reply asks the customer for a password, 2FA code, seed phrase or "
                    "private key. Support never asks for these; the attempt is recorded."
                )
            }
        )
    if run.resolved or run.turns >= MAX_SCENARIO_TURNS:
        end_scenario(candidate, now)
    return run


def _open_run(candidate: Candidate) -> DrillRun:
    run = (
        DrillRun.objects.select_for_update()
        .select_related("scenario")
        .filter(pk=candidate.drill_id or 0)
        .first()
    )
    if run is None:
        raise ValidationError(_("Start the scenario first."))
    if run.finished_at is not None:
        raise ValidationError(_("The scenario is over."))
    return run


def end_scenario(candidate: Candidate, now=None) -> DrillRun | None:
    run = candidate.drill
    if run is None:
        return None
    return drills.finish_drill(run, now)


def scenario_done(candidate: Candidate) -> bool:
    if candidate.scenario is None:
        return True
    return candidate.drill is not None and candidate.drill.finished_at is not None


# ---------------------------------------------------------------- the end


def finish(candidate: Candidate, now=None) -> Candidate:
    """Close the assessment once both parts are done and tell the recruiter."""
    from exdesk.sla.services import notify

    now = now or timezone.now()
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.finished_at is not None:
            return candidate
        if not (exam_done(candidate) and scenario_done(candidate)):
            raise ValidationError(_("Finish the written exam and the scenario first."))
        candidate.finished_at = now
        candidate.save(update_fields=["finished_at"])
        notify([candidate.invited_by], None, "candidate_finished", candidate.name[:80])
    return candidate
