"""Certificates feed routing: only a valid one counts for a skill that is certified."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from exdesk.academy import selectors, services
from exdesk.accounts.models import Skill

pytestmark = pytest.mark.django_db


def test_a_valid_certificate_gives_its_skill(certification, trainee):
    services.grant_certificate(trainee, certification)
    assert selectors.certified_skills([trainee.pk]) == {trainee.pk: {"security"}}


def test_an_expired_certificate_gives_nothing(certification, trainee):
    certificate = services.grant_certificate(trainee, certification)
    later = certificate.expires_at + dt.timedelta(seconds=1)
    assert selectors.certified_skills([trainee.pk], now=later) == {}


def test_a_revoked_certificate_gives_nothing_and_needs_a_reason(certification, trainee, trainer):
    certificate = services.grant_certificate(trainee, certification)
    with pytest.raises(ValidationError):
        services.revoke_certificate(certificate, trainer, "  ")
    services.revoke_certificate(certificate, trainer, "Asked a customer for a 2FA code")
    assert selectors.certified_skills([trainee.pk]) == {}
    with pytest.raises(ValidationError):
        services.revoke_certificate(certificate, trainer, "again")


def test_routing_trusts_certificates_for_certified_skills(certification, trainee):
    from exdesk.routing import services as routing

    api = Skill.objects.create(slug="api", name="API")
    trainee.skills.set([certification.skill, api])  # ticked on the staff form
    routing.set_presence(trainee, "online")
    routing.connect(trainee, "channel-trainee")

    def skills():
        return next(a.skills for a in routing.agents_snapshot() if a.id == trainee.pk)

    # "security" is earned by certification: the tick alone does not give it.
    assert skills() == {"api"}
    certificate = services.grant_certificate(trainee, certification)
    assert skills() == {"api", "security"}
    certificate.expires_at = timezone.now() - dt.timedelta(minutes=1)
    certificate.save()
    assert skills() == {"api"}
