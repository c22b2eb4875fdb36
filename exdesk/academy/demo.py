"""Demo training data: the starter curriculum, certificates for the skills the demo's
agents hold (routing trusts certificates for certified skills), and an onboarding path
in progress."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import loader, selectors, services
from .models import Certification, LearningPath


def seed_demo_training(staff: dict) -> None:
    loader.load_starter_academy()
    held = selectors.certified_skills([user.pk for user in staff.values()])
    for user in staff.values():
        for certification in Certification.objects.filter(
            skill__in=user.skills.all(), level=1
        ).exclude(skill__slug__in=held.get(user.pk, set())):
            services.grant_certificate(user, certification)
    onboarding = LearningPath.objects.filter(key="onboarding").first()
    agents = [u for u in staff.values() if u.role == "agent"]
    if onboarding is not None and agents:
        services.assign_path(onboarding, agents[:1], due_at=timezone.now() + dt.timedelta(days=14))
