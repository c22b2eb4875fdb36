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
# Knowledge base: every staff role may draft and submit; these approve and publish.
WRITES_ARTICLES = {
    Role.AGENT,
    Role.SENIOR_AGENT,
    Role.SUPERVISOR,
    Role.QA_REVIEWER,
    Role.TRAINER,
    Role.COMPLIANCE,
    Role.ADMIN,
}
REVIEWS_ARTICLES = {Role.SENIOR_AGENT, Role.SUPERVISOR, Role.ADMIN}
# The assistant: who edits intents, examples and canned responses, and retrains.
MANAGES_ASSISTANT = {Role.SUPERVISOR, Role.QA_REVIEWER, Role.ADMIN}
# Routing: who sees the live queue of every team and pins conversations.
MANAGES_ROUTING = {Role.SUPERVISOR, Role.ADMIN}
# Restricted sections (security procedures): these roles, plus the section's named editors.
EDITS_RESTRICTED_SECTIONS = {Role.SUPERVISOR, Role.ADMIN}
# Training: who manages the curriculum, assigns paths, grades short answers and revokes
# certificates.
TRAINS = {Role.TRAINER, Role.SUPERVISOR, Role.ADMIN}
# Quality: who reads every conversation's quality review and the QA pages.
REVIEWS_QUALITY = {Role.QA_REVIEWER, Role.SUPERVISOR, Role.ADMIN}
# Who settles an agent's dispute of a QA review (team leads).
RESOLVES_QA_DISPUTES = {Role.SUPERVISOR, Role.ADMIN}
# Analytics: the dashboards, every agent's performance and the exports.
SEES_ANALYTICS = {Role.SUPERVISOR, Role.QA_REVIEWER, Role.ADMIN}
# Complaints: officers take escalated complaints and keep the register; management the
# last level.
HANDLES_COMPLAINTS = {Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN}
MANAGES_COMPLAINTS = {Role.ADMIN}
# Incidents: declare, update and resolve them (everyone on staff reads them).
MANAGES_INCIDENTS = {Role.SUPERVISOR, Role.ADMIN}
# Team leads: the performance of the members of their own teams.
LEADS_TEAMS = {Role.SENIOR_AGENT}
# Recruitment: who invites candidates to the written and scenario tests and reads results.
RECRUITS = {Role.TRAINER, Role.SUPERVISOR, Role.ADMIN}
# Channels: who reviews quarantined mail (it may be a customer's, or an attack).
MANAGES_CHANNELS = {Role.SUPERVISOR, Role.ADMIN}
# Customer education: who manages tutorial series, awareness campaigns and webinars.
EDUCATES_CUSTOMERS = {Role.TRAINER, Role.SUPERVISOR, Role.ADMIN}
# The community forum: who hides, locks, moves, merges and bans.
MODERATES_COMMUNITY = {Role.SENIOR_AGENT, Role.SUPERVISOR, Role.ADMIN}


# Compliance cases: who sees them (everyone else gets a 404), and who may know that one
# exists (a count and references in the inbox, nothing of their content).
SEES_COMPLIANCE_CASES = {Role.COMPLIANCE}
KNOWS_OF_COMPLIANCE_CASES = {Role.SUPERVISOR, Role.ADMIN}


class EscalationKind(models.TextChoices):
    SECURITY = "security", _("Security")
    COMPLIANCE = "compliance", _("Compliance / AML")
    TECHNICAL = "technical", _("Technical")
    RISK = "risk", _("Risk")


class Language(models.TextChoices):
    EN = "en", _("English")
    ZH_HANS = "zh-hans", _("Simplified Chinese")
