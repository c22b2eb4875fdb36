from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    SENIOR_AGENT = "senior_agent", _("Senior agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    QA_REVIEWER = "qa_reviewer", _("QA reviewer")
    TRAINER = "trainer", _("Trainer")
    COMPLIANCE = "compliance", _("Compliance officer")
    ADMIN = "admin", _("Administrator")


# What each role may do. One place, read by the access layer (accounts.permissions).
SEES_ALL_CONVERSATIONS = {Role.SUPERVISOR, Role.QA_REVIEWER, Role.COMPLIANCE, Role.ADMIN}
SEES_CUSTOMER_PII = {Role.AGENT, Role.SENIOR_AGENT, Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN}
ANSWERS_CUSTOMERS = {Role.AGENT, Role.SENIOR_AGENT, Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN}
READS_AUDIT_LOG = {Role.COMPLIANCE, Role.ADMIN}
ASSIGNS_OTHERS = {Role.SENIOR_AGENT, Role.SUPERVISOR, Role.ADMIN}


class Language(models.TextChoices):
    EN = "en", _("English")
    ZH_HANS = "zh-hans", _("Simplified Chinese")
