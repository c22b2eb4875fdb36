"""Overdue paths and expiring certificates are told, once, in the console."""

import datetime as dt

import pytest
from django.utils import timezone

from exdesk import testing
from exdesk.academy import selectors, services
from exdesk.academy.models import LearningPath
from exdesk.routing import services as routing
from exdesk.sla.models import StaffNotification

pytestmark = pytest.mark.django_db


def test_an_overdue_path_notifies_the_agent_and_the_trainer_once(trainee, trainer):
    path = LearningPath.objects.create(key="onboarding", title_en="Onboarding", title_zh="入职")
    due = timezone.now() + dt.timedelta(days=1)
    services.assign_path(path, [trainee], due_at=due, by=trainer)
    assert services.notify_overdue_assignments(now=due - dt.timedelta(hours=1)) == 0
    assert services.notify_overdue_assignments(now=due + dt.timedelta(hours=1)) == 1
    assert services.notify_overdue_assignments(now=due + dt.timedelta(hours=2)) == 0
    notified = set(
        StaffNotification.objects.filter(kind="training_overdue").values_list("user", flat=True)
    )
    assert notified == {trainee.pk, trainer.pk}


def test_a_certificate_about_to_expire_is_reminded_once(certification, trainee):
    certificate = services.grant_certificate(trainee, certification)
    early = certificate.expires_at - dt.timedelta(days=60)
    assert services.remind_expiring_certificates(now=early) == 0
    soon = certificate.expires_at - dt.timedelta(days=10)
    assert services.remind_expiring_certificates(now=soon) == 1
    assert services.remind_expiring_certificates(now=soon) == 0
    assert StaffNotification.objects.get(kind="certificate_expiring").user == trainee


def test_coverage_counts_certified_agents_online_per_language(certification, trainee):
    other = testing.staff("zhang")
    other.languages = ["zh-hans"]
    other.save()
    for user in (trainee, other):
        services.grant_certificate(user, certification)
    routing.set_presence(other, "online")
    routing.connect(other, "channel-zhang")
    (row,) = selectors.coverage()
    assert (row["certified"], row["online"], row["online_en"], row["online_zh"]) == (2, 1, 0, 1)
